import Agora
import DataSources
import Foundation

/// Runs `agora-bench api`: wrk on loopback against the service started in this process with
/// `noauth`, and against an nginx of the benchmark's own that serves a file of the same size
/// as each measured response, in the same run. Returns the exit status.
func runAPIBenchmark(arguments: [String]) async -> Int32 {
    let known: Set<String> = ["--no-write", "--quick", "-h", "--help"]
    if let unknown = arguments.first(where: { !known.contains($0) }) {
        FileHandle.standardError.write(Data("agora-bench api: unknown option \(unknown)\n".utf8))
        return 2
    }
    if arguments.contains("-h") || arguments.contains("--help") {
        print(
            """
            usage: agora-bench api [--quick] [--no-write]

            Needs wrk and nginx (Debian packages wrk and nginx-light). --quick runs each load for 2 s
            instead of 8 s. Build with -c release.
            """)
        return 0
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agora-bench-api-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let benchmark = APIBenchmark(folder: folder, seconds: arguments.contains("--quick") ? 2 : 8)
        let rows = try await benchmark.run()
        let table = APIBenchmark.render(rows)
        print(table)
        if !arguments.contains("--no-write") { benchmark.writeReport(table, quick: arguments.contains("--quick")) }
        return 0
    } catch {
        FileHandle.standardError.write(Data("agora-bench api: \(error)\n".utf8))
        return 1
    }
}

struct APIBenchmark {
    struct Row {
        var workload: String
        var connections: Int
        var agora: WrkRunner.Summary
        var responseBytes: Int
        var nginx: WrkRunner.Summary
        var rowsPerRequest: Int
        var target: String
    }

    let folder: String
    let seconds: Int
    static let tableRows = 10_000

    func run() async throws -> [Row] {
        progress(suite: "api", "starting the service and nginx")
        let launcher = try await Launcher.start(
            configuration: try configuration(), logger: Logger(label: "agora-bench", level: .error))
        defer { launcher.stop() }
        let nginx = try NginxInstance(folder: folder + "/nginx")
        defer { nginx.stop() }
        let base = launcher.url

        let bodies = [Self.rowsBody(offset: 0), Self.rowsBody(offset: Self.tableRows)]
        for (index, body) in bodies.enumerated() {
            try body.write(toFile: folder + "/rows-\(index).json", atomically: true, encoding: .utf8)
        }
        try await expect(200, "PUT", base + "/v1/data-sources/bench/tables/hosts/rows", bodies[0])
        try await expect(200, "PUT", base + "/v1/data-sources/bench/tables/tags/rows", #"[["a"], ["b"], ["c"]]"#)
        try await expect(201, "POST", base + "/v1/policies", #"{"name": "bench_rules"}"#)

        var wrk = WrkRunner(folder: folder)
        wrk.seconds = seconds
        var rows: [Row] = []
        let small = "/v1/policies/classification"
        rows.append(
            try await measure(
                "small GET (`GET \(small)`)", base: base, path: small, nginx: nginx, wrk: wrk,
                target: "50% of nginx's requests/s; p99 under 5 ms"))
        let tablePath = "/v1/data-sources/bench/tables/hosts/rows"
        rows.append(
            try await measure(
                "GET rows of a \(Self.tableRows)-row table", base: base, path: tablePath, nginx: nginx, wrk: wrk,
                target: "n/a"))
        rows.append(
            try await measure(
                "POST a rule, a new one each request", base: base, path: "/v1/policies/bench_rules/rules",
                nginx: nginx, wrk: wrk, script: Self.postRuleScript, target: "n/a"))
        var pushWrk = wrk
        pushWrk.connections = 8
        rows.append(
            try await measure(
                "PUT \(Self.tableRows) pushed rows, all of them changed each request", base: base, path: tablePath,
                nginx: nginx, wrk: pushWrk, script: putRowsScript(), rowsPerRequest: Self.tableRows,
                target: "100,000 rows/s"))
        return rows
    }

    /// Measures one workload on Agora, then nginx on a file of the size of Agora's response to a
    /// single request of the same kind.
    func measure(
        _ workload: String, base: String, path: String, nginx: NginxInstance, wrk: WrkRunner, script: String = "",
        rowsPerRequest: Int = 0, target: String
    ) async throws -> Row {
        progress(suite: "api", workload)
        let name = "w\(abs(workload.hashValue) % 100_000)"
        let agora = try wrk.run(base + path, script: script, name: name + "-agora")
        let sample = try await sampleResponseBytes(base: base, path: path, script: script)
        let file = try nginx.serve(name: name + ".json", bytes: sample)
        let comparison = try wrk.run(file, name: name + "-nginx")
        return Row(
            workload: workload, connections: wrk.connections, agora: agora, responseBytes: sample, nginx: comparison,
            rowsPerRequest: rowsPerRequest, target: target)
    }

    /// The body size of one response of the workload's kind, read outside the timed run.
    func sampleResponseBytes(base: String, path: String, script: String) async throws -> Int {
        if script.isEmpty { return try await httpCall("GET", base + path).body.count }
        if script == Self.postRuleScript {
            let body = #"{"rule": "posted(x, \"sample\") :- bench:tags(x)"}"#
            return try await httpCall("POST", base + path, body: body).body.count
        }
        let body = try String(contentsOfFile: folder + "/rows-0.json", encoding: .utf8)
        return try await httpCall("PUT", base + path, body: body).body.count
    }

    func expect(_ status: Int, _ method: String, _ url: String, _ body: String) async throws {
        let response = try await httpCall(method, url, body: body)
        guard response.status == status else {
            throw BenchmarkError(
                "\(method) \(url) returned \(response.status), expected \(status): "
                    + String(decoding: response.body.prefix(300), as: UTF8.self))
        }
    }

    func configuration() throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", folder + "/data")
        try configuration.set("DEFAULT", "bind_host", "127.0.0.1")
        try configuration.set("DEFAULT", "bind_port", String(try freePort()))
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        configuration.dataSources = [
            DataSourceConfig(name: "bench", driver: "push", options: ["tables": "hosts:id;name;address,tags:tag"])
        ]
        return configuration
    }

    /// A JSON list of `tableRows` host rows, numbered from `offset`.
    static func rowsBody(offset: Int) -> String {
        let rows = (offset..<offset + tableRows).map { index in
            #"["host-\#(index)", "vm-\#(index)", "10.\#(index >> 16 & 255).\#(index >> 8 & 255).\#(index & 255)"]"#
        }
        return "[" + rows.joined(separator: ",") + "]"
    }

    /// Each wrk thread numbers its requests, so every POST carries a rule not seen before.
    static let postRuleScript = """
        local threads = 0
        setup = function(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        counter = 0
        request = function()
          counter = counter + 1
          local body = string.format('{"rule": "posted(x, \\\\"wrk-%d-%d\\\\") :- bench:tags(x)"}', tid, counter)
          return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
        end
        """

    /// Alternates between two bodies with no row in common, so that each PUT replaces every row.
    func putRowsScript() -> String {
        """
        local function read(path)
          local file = assert(io.open(path, "rb"))
          local text = file:read("*a")
          file:close()
          return text
        end
        bodies = { read("\(folder)/rows-0.json"), read("\(folder)/rows-1.json") }
        counter = 0
        request = function()
          counter = counter + 1
          return wrk.format("PUT", nil, {["Content-Type"] = "application/json"}, bodies[counter % 2 + 1])
        end
        """
    }
}
