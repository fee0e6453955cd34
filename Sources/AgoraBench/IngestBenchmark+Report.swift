import Foundation

extension IngestBenchmark {
    static func render(_ rows: [Row]) -> String {
        var lines = [
            "| workload | agora | comparison (same run) | target | notes |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in rows {
            lines.append("| \(row.workload) | \(row.agora) | \(row.comparison) | \(row.target) | \(row.notes) |")
        }
        return lines.joined(separator: "\n")
    }

    /// Replaces the `## Ingest` section of BENCHMARKS.md in the current folder, or appends it.
    static func writeReport(_ table: String, quick: Bool) {
        let path = "BENCHMARKS.md"
        let marker = "## Ingest"
        let date = ISO8601DateFormatter().string(from: Date())
        let section = """
            \(marker)

            Command: `swift run -c release agora-bench ingest\(quick ? " --quick" : "")`, run \(date) on
            \(DatalogBenchmark.machine()). One thread throughout; times are wall-clock. The EVE file repeats the
            alert lines of the Suricata EVE test files with varied source addresses and flow ids; orjson parses
            the same lines in the same run, and only `orjson.loads` is timed. The pcap file repeats the packets of
            four Ethernet test captures and is read from the page cache. The blocklist is plain text, nine hosts
            to one /24 network.

            \(table)

            """
        DatalogBenchmark.replaceSection(marker, with: section, inFile: path)
    }
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data("agora-bench ingest: \(message)\n".utf8))
}

/// Returns the wall-clock seconds `body` takes.
func measureSeconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Returns the wall-clock seconds `body` takes, passing on its error.
func measureSecondsThrowing(_ body: () throws -> Void) throws -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
