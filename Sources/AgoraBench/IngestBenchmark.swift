import DataSources
import Datalog
import Foundation

private let ingestUsage = """
    usage: agora-bench ingest [--quick] [--no-write] [--only eve|blocklist|sensor]

    Measures, in one run: EVE alert lines translated into ids:ip_packet rows beside orjson (PyPI)
    parsing the same lines, a 1M-entry blocklist load, and the packet sensor reading a
    synthesised pcap file. Inputs are generated under the temporary folder. Build with -c release.

      --quick     smaller inputs (32 MB of EVE, 100,000 entries and packets) for a smoke run
      --no-write  print the table without updating BENCHMARKS.md
      --only NAME run one measurement, for profiling it alone; implies --no-write
    """

/// Runs `agora-bench ingest` with the arguments after the suite name and returns the exit status.
public func runIngestBenchmark(arguments: [String]) -> Int32 {
    let known: Set<String> = ["--quick", "--no-write", "-h", "--help", "--only", "eve", "blocklist", "sensor"]
    if let unknown = arguments.first(where: { !known.contains($0) }) {
        FileHandle.standardError.write(Data("agora-bench ingest: unknown option \(unknown)\n\(ingestUsage)\n".utf8))
        return 2
    }
    if arguments.contains("-h") || arguments.contains("--help") {
        print(ingestUsage)
        return 0
    }
    let quick = arguments.contains("--quick")
    do {
        var only: String?
        if let index = arguments.firstIndex(of: "--only") {
            guard index + 1 < arguments.count else {
                FileHandle.standardError.write(Data("agora-bench ingest: --only needs eve, blocklist or sensor\n".utf8))
                return 2
            }
            only = arguments[index + 1]
        }
        let rows = try IngestBenchmark(quick: quick).run(only: only)
        let table = IngestBenchmark.render(rows)
        print(table)
        if !arguments.contains("--no-write") && only == nil { IngestBenchmark.writeReport(table, quick: quick) }
        return 0
    } catch {
        FileHandle.standardError.write(Data("agora-bench ingest: \(error)\n".utf8))
        return 1
    }
}

struct IngestBenchmark {
    struct Row {
        var workload: String
        var agora: String
        var comparison: String
        var target: String
        var notes: String
    }

    var eveBytes: Int
    var blocklistEntries: Int
    var packets: Int
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agora-bench-ingest").path

    init(quick: Bool) {
        eveBytes = quick ? 32 << 20 : 512 << 20
        blocklistEntries = quick ? 100_000 : 1_000_000
        packets = quick ? 100_000 : 1_000_000
    }

    /// Runs every measurement, or only the one named `only`.
    func run(only: String? = nil) throws -> [Row] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rows: [Row] = []
        if only == nil || only == "eve" { rows.append(try eve()) }
        if only == nil || only == "blocklist" { rows.append(try blocklist()) }
        if only == nil || only == "sensor" { rows.append(try sensor()) }
        return rows
    }

    /// Times EVE alert lines into `ids:ip_packet` rows, with the JSON parse alone timed apart, beside orjson.
    func eve() throws -> Row {
        let path = folder + "/alerts.json"
        progress("writing \(eveBytes >> 20) MB of EVE alert lines to \(path)")
        let contents = try IngestWorkloads.writeEVEFile(at: path, bytes: eveBytes)
        let lines = splitLines(contents)
        let megabytes = Double(contents.count) / 1_048_576

        let parseSeconds = measureSeconds {
            for line in lines { _ = try? JSONReader.parse(line) }
        }
        var rows = 0
        let translateSeconds = measureSeconds {
            var translator = EVETranslator()
            for line in lines {
                for event in translator.translate(line: line).events {
                    for (table, _) in IDSTables.rows(for: event) where table == "ids:ip_packet" {
                        rows += 1
                    }
                }
            }
        }
        let orjson = orjsonSeconds(path)
        let lineRate = Double(lines.count) / translateSeconds
        let comparison =
            orjson.map { String(format: "orjson parse: %.0f MB/s (%.2f s)", megabytes / $0, $0) } ?? "orjson failed"
        let ratio = orjson.map { String(format: "; Agora takes %.1fx orjson's time", translateSeconds / $0) } ?? ""
        return Row(
            workload: "EVE alert lines to ids:ip_packet (\(lines.count) lines, \(Int(megabytes)) MB)",
            agora: String(
                format: "%.0f lines/s, %.0f MB/s (%.2f s)", lineRate, megabytes / translateSeconds, translateSeconds),
            comparison: comparison, target: "1 GB/s per core",
            notes: String(
                format: "%d rows; JSON parse alone %.0f MB/s (%.0f%% of the time)%@", rows,
                megabytes / parseSeconds, 100 * parseSeconds / translateSeconds, ratio))
    }

    /// Times loading a plain feed of `blocklistEntries` entries: parse and policy check, the sensor's
    /// matcher, and the driver's table rows.
    func blocklist() throws -> Row {
        let path = folder + "/blocklist.txt"
        progress("writing a \(blocklistEntries)-entry blocklist to \(path)")
        try IngestWorkloads.writeBlocklist(at: path, count: blocklistEntries)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))

        var feed: LoadedFeed?
        let loadSeconds = measureSeconds { feed = FeedLoader().load(bytes, name: "benchmark") }
        guard let feed, feed.rejectionReason == nil else {
            throw BenchmarkError("the generated feed was rejected: \(feed?.rejectionReason ?? "not loaded")")
        }
        var matcher = BlocklistMatcher()
        let matcherSeconds = measureSeconds { matcher = BlocklistMatcher(feeds: [feed]) }
        var store = BlocklistStore()
        let storeSeconds = measureSeconds { _ = store.replace(feed: feed.name, entries: feed.entries) }
        return Row(
            workload: "blocklist load (\(feed.entries.count) entries, \(bytes.count >> 20) MB plain text)",
            agora: String(
                format: "%.2f s parse + %.2f s matcher = %.2f s", loadSeconds, matcherSeconds,
                loadSeconds + matcherSeconds),
            comparison: "n/a", target: "1M entries under 1 s",
            notes: String(
                format: "%d networks in the matcher; the driver's table rows take %.2f s more", matcher.count,
                storeSeconds))
    }

    /// Times the sensor over a synthesised pcap: libpcap reading alone, then the sensor with a blocklist.
    func sensor() throws -> Row {
        let path = folder + "/packets.pcap"
        progress("writing \(packets) packets to \(path)")
        let dataBytes = try IngestWorkloads.writeCapture(at: path, count: packets)
        _ = try Data(contentsOf: URL(fileURLWithPath: path)).count  // warm the page cache

        let readSeconds = try measureSecondsThrowing {
            try PacketCapture.open(file: path).forEachPacket { _, _, _ in true }
        }
        var matcher = BlocklistMatcher()
        for text in ["59.53.91.102", "65.55.0.0/16", "2607:f8b0:400a:800::/64"] {
            matcher.insert(
                BlocklistEntry(network: try IPNetwork.parse(text), category: "benchmark", line: 0), feed: "benchmark")
        }
        var sensor = PacketSensor(matcher: matcher)
        let sensorSeconds = try measureSecondsThrowing {
            try sensor.run(try PacketCapture.open(file: path)) { _ in }
        }
        var allFlows = PacketSensor(matcher: matcher, reportsAllFlows: true)
        let allFlowsSeconds = try measureSecondsThrowing {
            try allFlows.run(try PacketCapture.open(file: path)) { _ in }
        }
        let statistics = sensor.statistics
        return Row(
            workload: "sensor on a pcap file (\(packets) packets, \(dataBytes >> 20) MB)",
            agora: String(format: "%.0f packets/s (%.2f s)", Double(packets) / sensorSeconds, sensorSeconds),
            comparison: "n/a", target: "1M packets/s",
            notes: String(
                format: "libpcap reading alone %.0f packets/s; with --all-flows %.0f packets/s; %d decoded, %d alerts",
                Double(packets) / readSeconds, Double(packets) / allFlowsSeconds, statistics.decoded, statistics.alerts)
        )
    }

    /// Times orjson.loads over every line of `path`, reading and splitting the file untimed.
    func orjsonSeconds(_ path: String) -> Double? {
        if !Comparison.run("python3", ["-c", "import orjson"]).ok {
            progress("installing orjson from PyPI for the comparison")
            _ = Comparison.run("python3", ["-m", "pip", "install", "--quiet", "orjson"])
        }
        let script = """
            import sys, time, orjson
            lines = open(sys.argv[1], "rb").read().split(b"\\n")
            lines = [line for line in lines if line]
            start = time.perf_counter()
            for line in lines:
                orjson.loads(line)
            print(time.perf_counter() - start)
            """
        let result = Comparison.run("python3", ["-c", script, path])
        return result.ok ? Double(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }
}
