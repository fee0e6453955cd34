import Agora
import DataSources
import Enforcement
import Foundation

private let responseUsage = """
    usage: agora-bench response [--quick] [--no-write] [--servers N] [--incidents N] [--rate LINES_PER_S]

    Starts the whole service in this process (store, data sources, engine, enforcement, HTTP) on
    a simulated cloud with the compromised_vm library policy in enforce mode, then flags VMs one
    at a time. Each incident is one EVE alert line pushed to the ids data source; its latency runs
    from the push to the moment the simulated backend's apply begins. The first incidents run
    with no other traffic, the rest under a background feed of ordinary EVE lines pushed at
    --rate from VMs that are not flagged. Build with -c release.

      --servers N     VMs in the simulated cloud (default 10000)
      --incidents N   incidents under the background feed (default 200; 50 more run without it)
      --rate N        background EVE lines a second (default 100000)
      --quick         2,000 VMs and 40 incidents, for a smoke run
      --no-write      print the table without updating BENCHMARKS.md
    """

/// Runs `agora-bench response` with the arguments after the suite name and returns the exit status.
func runResponseBenchmark(arguments: [String]) async -> Int32 {
    if arguments.contains("-h") || arguments.contains("--help") {
        print(responseUsage)
        return 0
    }
    var benchmark = ResponseBenchmark()
    do {
        try benchmark.parse(arguments)
        let result = try await benchmark.run()
        let table = benchmark.render(result)
        print(table)
        if !arguments.contains("--no-write") { benchmark.writeReport(table, result: result, arguments: arguments) }
        return 0
    } catch let error as BenchmarkError where error.description.hasPrefix("usage") {
        FileHandle.standardError.write(Data("agora-bench response: \(error)\n\(responseUsage)\n".utf8))
        return 2
    } catch {
        FileHandle.standardError.write(Data("agora-bench response: \(error)\n".utf8))
        return 1
    }
}

struct ResponseBenchmark {
    var servers = 10_000
    var incidents = 200
    var idleIncidents = 50
    var rate = 100_000

    struct Phase {
        var latencies: [Double] = []
        var missed = 0
        var backgroundLines = 0
        var backgroundSeconds = 0.0
    }

    struct Result {
        var idle: Phase
        var loaded: Phase
        var distinctPairs: Int
        var backgroundCount: Int
        var startSeconds: Double
    }

    mutating func parse(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--quick":
                servers = 2_000
                incidents = 40
                idleIncidents = 10
            case "--no-write":
                break
            case "--servers", "--incidents", "--rate":
                guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
                    throw BenchmarkError("usage: \(argument) needs a positive integer")
                }
                if argument == "--servers" { servers = value }
                if argument == "--incidents" { incidents = value }
                if argument == "--rate" { rate = value }
                index += 1
            default:
                throw BenchmarkError("usage: unknown option \(argument)")
            }
            index += 1
        }
    }

    func run() async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agora-bench-response-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        progress(suite: "response", "building a simulated cloud of \(servers) VMs")
        let workload = ResponseWorkload(servers: servers, incidents: idleIncidents + incidents)
        let feedPath = directory.appendingPathComponent("feed.txt").path
        try ResponseWorkload.feed(extra: 1_000).write(toFile: feedPath, atomically: true, encoding: .utf8)
        let backgroundCount = max(rate * 12, 1_000)
        progress(suite: "response", "generating \(backgroundCount) background EVE lines")
        let background = workload.backgroundLines(count: backgroundCount)

        let started = DispatchTime.now().uptimeNanoseconds
        var timing: TimingBackend?
        let launcher = try await Launcher.start(
            configuration: try configuration(directory: directory.path, feed: feedPath),
            simulatedCloud: workload.cloud, logger: Logger(label: "agora-bench", level: .error)
        ) { backend in
            guard backend.name == "simulated" else { return backend }
            let wrapped = TimingBackend(backend)
            timing = wrapped
            return wrapped
        }
        defer { launcher.stop() }
        guard let timing, let ids = launcher.service.source("ids") as? IDSSource else {
            throw BenchmarkError("the service started without the simulated backend or the ids source")
        }
        try await createPolicy(launcher.url)
        let engine = launcher.service.engine
        let serverCount = servers
        try await onThread("agora-bench-wait") {
            try waitUntil("the inventory and the feed in the engine", timeout: 120) {
                engine.withRuntime { runtime in
                    runtime.rowCount(of: "nova:servers") >= serverCount && runtime.rowCount(of: "ids:ip_blacklist") > 0
                }
            }
        }
        let startSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

        let idleAddresses = Array(workload.infected.prefix(idleIncidents))
        let loadedAddresses = Array(workload.infected.dropFirst(idleIncidents))
        progress(suite: "response", "\(idleAddresses.count) incidents with no background feed")
        let idle = try await onThread("agora-bench-incidents") {
            Self.trigger(idleAddresses, ids: ids, timing: timing, flowBase: 1)
        }

        progress(suite: "response", "\(loadedAddresses.count) incidents under \(rate) background lines/s")
        let feed = BackgroundFeed(
            source: ids, bytes: background.bytes, lines: background.lines, rate: rate, maxBatch: max(rate / 1000, 1))
        feed.start()
        try await Task.sleep(nanoseconds: 1_000_000_000)
        let feedBefore = feed.snapshot()
        var loaded = try await onThread("agora-bench-incidents") {
            Self.trigger(loadedAddresses, ids: ids, timing: timing, flowBase: 1_000_000)
        }
        let feedAfter = feed.snapshot()
        feed.stop()
        loaded.backgroundLines = feedAfter.lines - feedBefore.lines
        loaded.backgroundSeconds = feedAfter.seconds - feedBefore.seconds
        return Result(
            idle: idle, loaded: loaded, distinctPairs: background.distinctPairs, backgroundCount: backgroundCount,
            startSeconds: startSeconds)
    }

    /// Flags each address in turn: pushes its alert line, waits for the backend's apply to
    /// begin and end, then waits 20 to 50 ms so that the next incident lands at another point
    /// of the background feed.
    static func trigger(_ addresses: [String], ids: IDSSource, timing: TimingBackend, flowBase: Int) -> Phase {
        var phase = Phase()
        for (offset, address) in addresses.enumerated() {
            let line = ResponseWorkload.alertLine(from: address, flow: flowBase + offset)
            let pushed = DispatchTime.now().uptimeNanoseconds
            ids.push(lines: [line[...]], source: "agora-bench-incidents")
            if let applied = timing.waitForApply(of: address, timeout: 10), applied >= pushed {
                phase.latencies.append(Double(applied - pushed) / 1e6)
            } else {
                phase.missed += 1
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0.020...0.050))
        }
        return phase
    }

    func configuration(directory: String, feed: String) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory)
        try configuration.set("DEFAULT", "bind_host", "127.0.0.1")
        try configuration.set("DEFAULT", "bind_port", "0")
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        try configuration.set("enforcement", "default_mode", "enforce")
        // Every incident must reach the backend, so the blast-radius caps sit above the count.
        try configuration.set("enforcement", "max_actions", String(10 * (incidents + idleIncidents)))
        try configuration.set("enforcement", "max_actions_global", String(10 * (incidents + idleIncidents)))
        try configuration.set("enforcement", "max_percent_servers", "100")
        configuration.dataSources = [
            DataSourceConfig(name: "simulated", driver: "simulated"),
            DataSourceConfig(name: "ids", driver: "ids", options: [:]),
            DataSourceConfig(name: "blocklist", driver: "blocklist", options: ["feeds": "bench=" + feed]),
        ]
        return configuration
    }

    /// Creates the `compromised_vm` policy from the library over the API, as an operator would.
    func createPolicy(_ base: String) async throws {
        let listed = try await httpCall("GET", base + "/v1/librarypolicies?name=compromised_vm")
        let results = try jsonObject(listed.body, of: "GET /v1/librarypolicies")["results"] as? [[String: Any]]
        guard let id = results?.first?["id"] as? String else {
            throw BenchmarkError("the library has no compromised_vm policy")
        }
        let created = try await httpCall("POST", base + "/v1/policies?library_policy=\(id)")
        guard created.status == 201 else {
            throw BenchmarkError("creating compromised_vm returned \(created.status)")
        }
    }
}
