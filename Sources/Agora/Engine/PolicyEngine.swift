import Datalog
import Foundation

/// The service's one incremental engine, shared by the API, the data sources and enforcement.
///
/// Every call takes the engine's lock for its whole duration, so a batch of changes is applied
/// and its deltas read as one step; callers on any thread see each other's batches whole.
public final class PolicyEngine: @unchecked Sendable {
    private let runtime: PolicyRuntime
    private let lock = NSLock()

    /// The policies that exist from the start, as in Congress.
    public static let systemPolicies: [(name: String, kind: PolicyKind)] = [
        ("classification", .nonrecursive), ("action", .action),
    ]

    /// - Parameter now: the wall clock in UTC seconds, for the `now` built-in.
    public init(now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        runtime = PolicyRuntime(now: now)
    }

    /// Runs `body` with the engine to itself.
    public func withRuntime<T, E: Error>(_ body: (PolicyRuntime) throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(runtime)
    }

    /// Declares a data source's tables as a `datasource` policy named after its service, so that
    /// rules can name them and their columns before the first row arrives. A second call with the
    /// same service adds the new tables.
    public func declareDataSource(service: String, tables: [String: [String]]) throws(DatalogError) {
        lock.lock()
        defer { lock.unlock() }
        if runtime.kind(of: service) == nil {
            try runtime.createPolicy(service, kind: .datasource, schema: tables)
        }
    }

    /// Applies data-source deltas as one engine update per table, in order, and returns the
    /// deltas of every derived table that changed. A table's delta that the engine refuses (a
    /// row of the wrong width) is left out and reported in `refused`; the others still apply.
    public func apply(_ deltas: [TableDelta]) -> (
        derived: [TableDelta], refused: [(table: String, error: DatalogError)]
    ) {
        lock.lock()
        defer { lock.unlock() }
        var derived: [TableDelta] = []
        var refused: [(table: String, error: DatalogError)] = []
        for delta in deltas where !delta.isEmpty {
            do {
                derived += try runtime.update(table: delta.table, inserted: delta.inserted, deleted: delta.deleted)
            } catch {
                refused.append((delta.table, error))
            }
        }
        return (Self.merge(derived), refused)
    }

    /// Combines the deltas of one table across several updates: a row inserted and then deleted
    /// (or the reverse) within the batch cancels out.
    static func merge(_ deltas: [TableDelta]) -> [TableDelta] {
        var order: [String] = []
        var net: [String: [Row: Int]] = [:]
        for delta in deltas {
            if net[delta.table] == nil { order.append(delta.table) }
            for row in delta.inserted { net[delta.table, default: [:]][row, default: 0] += 1 }
            for row in delta.deleted { net[delta.table, default: [:]][row, default: 0] -= 1 }
        }
        return order.compactMap { table in
            let counts = net[table] ?? [:]
            let merged = TableDelta(
                table: table, inserted: counts.filter { $0.value > 0 }.map(\.key),
                deleted: counts.filter { $0.value < 0 }.map(\.key))
            return merged.isEmpty ? nil : merged
        }
    }
}
