import DataSources
import Foundation
import Testing

@testable import Agora
@testable import AgoraCLI

/// `agora sensor --push` against an Agora running in this process on 127.0.0.1.
@Suite struct SensorPushTests {
    static let httpGet = TestSupport.sharedFile("data/pcaps/zeek/http-get.pcap").path

    static func startServer(_ directory: URL) async throws -> Launcher {
        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.path)
        try configuration.set("DEFAULT", "bind_port", "0")
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        configuration.dataSources = [
            DataSourceConfig(name: "ids", driver: "ids"),
            DataSourceConfig(name: "inventory", driver: "push", options: ["tables": "hosts:name;address"]),
        ]
        return try await Launcher.start(configuration: configuration, logger: Logger(label: "test", level: .error))
    }

    /// Runs the sensor on its own thread, because it waits on each request synchronously.
    static func runSensor(_ arguments: [String]) async -> (status: Int32, error: String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let captured = CapturedText()
                let console = TranslateConsole(output: { _ in }, error: { captured.append($0) })
                let status = AgoraCLI.runSensor(arguments: arguments, console: console)
                continuation.resume(returning: (status, captured.text))
            }
        }
    }

    @Test func alertsReachIDSTables() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let feed = directory.appendingPathComponent("feed.txt")
        try Data("192.150.187.43\n".utf8).write(to: feed)
        let launcher = try await Self.startServer(directory.appendingPathComponent("data"))
        defer { launcher.stop() }

        let (status, error) = await Self.runSensor([
            "--pcap", Self.httpGet, "--blocklist", feed.path, "--all-flows", "--push", launcher.url + "/",
            "--datasource", "ids",
        ])
        #expect(status == 0, "\(error)")

        let client = TestHTTPClient(base: launcher.url)
        let sourceStatus = try await client.call("GET", "/v1/data-sources/ids/status").json
        #expect(sourceStatus["records_read"] == 2)
        #expect(sourceStatus["records_rejected"] == 0)
        let rows = try await client.call("GET", "/v1/data-sources/ids/tables/ip_packet/rows").json
        let pairs = (rows["results"]?.arrayValue ?? []).compactMap { $0["data"]?.arrayValue }
        #expect(pairs.contains(["141.142.228.5", "192.150.187.43"]))
        #expect(pairs.contains(["192.150.187.43", "141.142.228.5"]))
    }

    @Test func sourceWithoutIDSDriverFails() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let launcher = try await Self.startServer(directory)
        defer { launcher.stop() }

        let (status, error) = await Self.runSensor([
            "--pcap", Self.httpGet, "--all-flows", "--push", launcher.url, "--datasource", "inventory",
        ])
        #expect(status == 1)
        #expect(
            error.contains("posting EVE lines to \(launcher.url)/v1/data-sources/inventory/events failed: HTTP 400"))
    }

    @Test func unreachableServerFails() async {
        // Port 9 (discard) on loopback has no HTTP server, so every attempt is refused.
        let (status, error) = await Self.runSensor([
            "--pcap", Self.httpGet, "--all-flows", "--push", "http://127.0.0.1:9", "--datasource", "ids",
        ])
        #expect(status == 1)
        #expect(error.contains("posting EVE lines to http://127.0.0.1:9/v1/data-sources/ids/events failed"))
    }

    @Test func pushUsageErrors() async {
        let cases: [([String], String)] = [
            (["--push", "http://127.0.0.1:9"], "--push needs --datasource NAME"),
            (["--push", "ftp://127.0.0.1", "--datasource", "ids"], "invalid --push ftp://127.0.0.1"),
            (["--datasource", "ids"], "--datasource only goes with --push URL"),
            (["--token", "t"], "--token only goes with --push URL"),
            (["--push", "http://127.0.0.1:9", "--datasource", "ids", "--socket", "/tmp/x"], "give one of --socket"),
            (["--push", "http://127.0.0.1:9", "--datasource", "ids", "--output", "facts"], "leave out --output facts"),
        ]
        for (extra, message) in cases {
            let (status, error) = await Self.runSensor(["--pcap", Self.httpGet] + extra)
            #expect(status == 2, "\(extra)")
            #expect(error.contains(message), "\(extra): \(error)")
        }
    }
}

/// Text that a console callback appends to from the sensor's thread.
private final class CapturedText: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""

    func append(_ line: String) { lock.withLock { buffer += line + "\n" } }

    var text: String { lock.withLock { buffer } }
}
