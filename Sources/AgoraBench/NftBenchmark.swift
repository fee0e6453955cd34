import Enforcement
import Foundation

/// Runs `agora-bench nft`: 10,000 blocks applied through the nftables backend in one batch, in a
/// network namespace created for it and deleted after, beside one bare `nft -f` transaction that
/// adds the same addresses to a set, in another namespace. Returns the exit status.
func runNftBenchmark(arguments: [String]) async -> Int32 {
    let known: Set<String> = ["--no-write", "-h", "--help"]
    if let unknown = arguments.first(where: { !known.contains($0) }) {
        FileHandle.standardError.write(Data("agora-bench nft: unknown option \(unknown)\n".utf8))
        return 2
    }
    if arguments.contains("-h") || arguments.contains("--help") {
        print("usage: agora-bench nft [--no-write]\n\nNeeds root, `ip` and `nft`. Build with -c release.")
        return 0
    }
    let count = 10_000
    do {
        let bare = try bareNftSeconds(count: count)
        let (seconds, result) = try await NftablesBackend.measureBatch(count: count)
        guard result.status == .done else {
            throw BenchmarkError("the batch did not apply: \(result.detail)")
        }
        let table = """
            | measurement | agora | bare `nft -f` (same run) | target | notes |
            | --- | --- | --- | --- | --- |
            | \(count) blocks in one batch | \(String(format: "%.3f s", seconds)) | \(String(format: "%.3f s", bare)) \
            | under 1 s | \(result.changes.count) addresses read back in the set |
            """
        print(table)
        if !arguments.contains("--no-write") {
            let section = """
                \(sectionHeader("## nftables", command: "swift run -c release agora-bench nft"))
                The backend's time covers its whole `apply(batch:)`: creating Agora's table, listing both sets
                before, one `nft -f -` transaction with the 10,000 elements (each with a one-hour timeout),
                listing the conntrack table of each address family, and listing both sets again to check every
                address. Addresses come from 198.18.0.0/15. The bare comparison is one `nft -f -` that creates a
                table and a timeout set and adds the same elements, with nothing read back. Each runs in a
                network namespace of its own that the benchmark creates and deletes.

                \(table)

                """
            DatalogBenchmark.replaceSection("## nftables", with: section, inFile: "BENCHMARKS.md")
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("agora-bench nft: \(error)\n".utf8))
        return 1
    }
}

/// Seconds of one `nft -f -` that creates a table and a set and adds `count` addresses.
private func bareNftSeconds(count: Int) throws -> Double {
    let namespace = try NetworkNamespace.create(prefix: "nftbare")
    defer { namespace.delete() }
    var script = [
        "add table inet bench",
        "add set inet bench blocked { type ipv4_addr; flags timeout; }",
    ]
    var elements: [String] = []
    for index in 0..<count {
        elements.append("198.\(18 + (index >> 16)).\((index >> 8) & 255).\(index & 255) timeout 3600s")
        if elements.count == 1000 || index == count - 1 {
            script.append("add element inet bench blocked { \(elements.joined(separator: ", ")) }")
            elements.removeAll()
        }
    }
    let input = Data((script.joined(separator: "\n") + "\n").utf8)
    let start = DispatchTime.now().uptimeNanoseconds
    try namespace.runner.check("nft", ["-f", "-"], input: input)
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
