import Datalog
import Foundation

/// The engine workloads, each run in a child process that prints one JSON object of results.
enum Workloads {
    static let closureRules = "tc(x, y) :- e(x, y)\ntc(x, z) :- tc(x, y), e(y, z)"

    static func edges(_ shape: String, _ n: Int) -> [(Int, Int)] {
        switch shape {
        case "chain": return (0..<(n - 1)).map { ($0, $0 + 1) }
        case "cycle": return (0..<n).map { ($0, ($0 + 1) % n) }
        default: return (0..<n).flatMap { i in ((i + 1)..<n).map { (i, $0) } }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Peak resident memory of this process, in bytes (VmHWM).
    static func peakMemory() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }

    /// Loads the closure of `shape` with `n` nodes in one update.
    static func closure(shape: String, n: Int, report: PolicyRuntime.DeltaScope = .derivedTables) throws
        -> [String: Double]
    {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("bench", kind: .materialized)
        try runtime.insert(closureRules, into: "bench")
        let rows = edges(shape, n).map { [Value.int(Int64($0.0)), .int(Int64($0.1))] }
        let clock = ContinuousClock()
        let start = clock.now
        try runtime.update(table: "bench:e", inserted: rows, deleted: [], report: report)
        let elapsed = seconds(clock.now - start)
        let tuples = runtime.rowCount(of: "bench:tc")
        return [
            "seconds": elapsed, "tuples": Double(tuples), "peak_bytes": Double(peakMemory()),
            "bytes_per_tuple": Double(runtime.storageBytes(of: "bench:tc")) / Double(max(tuples, 1)),
        ]
    }

    /// Inserts and deletes one edge in the chain-2000 closure: one that appends a node (2,000
    /// new tuples) and one shortcut that derives nothing new.
    static func incremental(n: Int) throws -> [String: Double] {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("bench", kind: .materialized)
        try runtime.insert(closureRules, into: "bench")
        try runtime.update(
            table: "bench:e", inserted: edges("chain", n).map { [.int(Int64($0.0)), .int(Int64($0.1))] }, deleted: [])
        let clock = ContinuousClock()
        var result: [String: Double] = [:]
        for (name, edge) in [
            ("append", [Value.int(Int64(n - 1)), .int(Int64(n))]), ("shortcut", [.int(0), .int(Int64(n / 2))]),
        ] {
            var start = clock.now
            let inserted = try runtime.update(table: "bench:e", inserted: [edge], deleted: [])
            result["\(name)_insert_seconds"] = seconds(clock.now - start)
            result["\(name)_insert_tuples"] = Double(inserted.first { $0.table == "bench:tc" }?.inserted.count ?? 0)
            start = clock.now
            let deleted = try runtime.update(table: "bench:e", inserted: [], deleted: [edge])
            result["\(name)_delete_seconds"] = seconds(clock.now - start)
            result["\(name)_delete_tuples"] = Double(deleted.first { $0.table == "bench:tc" }?.deleted.count ?? 0)
        }
        result["tuples"] = Double(runtime.rowCount(of: "bench:tc"))
        return result
    }
}
