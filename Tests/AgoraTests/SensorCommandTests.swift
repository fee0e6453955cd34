import DataSources
import Foundation
import Testing

@testable import AgoraCLI

@Suite struct SensorCommandTests {
    final class Captured {
        var output = ""
        var error = ""
    }

    static let httpGet = TestSupport.sharedFile("data/pcaps/zeek/http-get.pcap").path

    func run(_ arguments: [String]) -> (status: Int32, captured: Captured) {
        let captured = Captured()
        let console = TranslateConsole(output: { captured.output += $0 }, error: { captured.error += $0 + "\n" })
        return (runSensor(arguments: arguments, console: console), captured)
    }

    func blocklist(_ text: String) throws -> String {
        let folder = try TestSupport.temporaryDirectory()
        let file = folder.appendingPathComponent("feed.txt")
        try Data(text.utf8).write(to: file)
        return file.path
    }

    @Test func eveAlertForListedDestination() throws {
        let (status, captured) = run(["--pcap", Self.httpGet, "--blocklist", try blocklist("192.150.187.43\n")])
        #expect(status == 0)
        let lines = captured.output.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains(#""event_type":"alert""#) == true)
        #expect(lines.first?.contains(#""src_ip":"141.142.228.5","src_port":"#) == true)
        #expect(lines.first?.contains(#""dest_ip":"192.150.187.43","dest_port":80"#) == true)
        #expect(captured.error.contains("packets read: 14"))
        #expect(captured.error.contains("events emitted: 1 (alert 1, flow 0)"))

        var translator = EVETranslator()
        let translation = translator.translate(contents: Array(captured.output.utf8), file: "stdout")
        #expect(translation.rows["ids:ip_packet"]?.map(\.description) == [#"["141.142.228.5", "192.150.187.43"]"#])
    }

    @Test func factsForEveryFlow() {
        let (status, captured) = run(["--pcap", Self.httpGet, "--all-flows", "--output", "facts"])
        #expect(status == 0)
        let packetFacts = captured.output.split(separator: "\n").filter { $0.hasPrefix("ids:ip_packet(") }
        #expect(packetFacts.count == 2)
        #expect(packetFacts.contains(#"ids:ip_packet("192.150.187.43", "141.142.228.5")"#))
        #expect(captured.error.contains("undecodable: 0"))
    }

    @Test func maxPacketsStopsEarly() {
        let (status, captured) = run(["--pcap", Self.httpGet, "--max-packets", "3"])
        #expect(status == 0)
        #expect(captured.error.contains("packets read: 3"))
    }

    @Test func usageErrors() {
        #expect(run([]).status == 2)
        #expect(run(["--pcap", Self.httpGet, "--interface", "lo"]).status == 2)
        let badOutput = run(["--pcap", Self.httpGet, "--output", "xml"])
        #expect(badOutput.status == 2)
        #expect(badOutput.captured.error.contains("invalid --output xml"))
        #expect(run(["--pcap", Self.httpGet, "--max-packets", "0"]).status == 2)
        #expect(run(["--help"]).status == 0)
    }

    @Test func missingInputs() throws {
        let missing = run(["--pcap", "/nonexistent/capture.pcap"])
        #expect(missing.status == 1)
        #expect(missing.captured.error.contains("cannot open capture file /nonexistent/capture.pcap"))

        let notPcap = run(["--pcap", try blocklist("not a capture\n")])
        #expect(notPcap.status == 1)

        let privateOnly = run(["--pcap", Self.httpGet, "--blocklist", try blocklist("10.0.0.0/8\n")])
        #expect(privateOnly.status == 1)
        #expect(privateOnly.captured.error.contains("rejected"))
    }

    @Test func eveLinesToUnixSocket() throws {
        let folder = try TestSupport.temporaryDirectory()
        let path = folder.appendingPathComponent("eve.sock").path
        let received = ReceivedLines()
        let listener = UnixSocketListener(path: path, logger: Logger(label: "test", handler: NullLogHandler())) {
            line, _, _, _ in received.add(String(decoding: line, as: UTF8.self))
        }
        try listener.start()
        defer { listener.stop() }

        let (status, captured) = run(["--pcap", Self.httpGet, "--all-flows", "--socket", path])
        #expect(status == 0)
        #expect(captured.output.isEmpty)
        #expect(received.wait(for: 2))
        #expect(received.lines.allSatisfy { $0.contains(#""event_type":"flow""#) })
    }

    @Test func socketWithoutListener() throws {
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("none.sock").path
        let (status, captured) = run(["--pcap", Self.httpGet, "--socket", path])
        #expect(status == 1)
        #expect(captured.error.contains("unix socket \(path) failed"))
        #expect(run(["--pcap", Self.httpGet, "--socket", path, "--output", "facts"]).status == 2)
    }

    /// Lines a listener thread receives, with a wait for a given count.
    final class ReceivedLines: @unchecked Sendable {
        private let condition = NSCondition()
        private var stored: [String] = []

        var lines: [String] { condition.withLock { stored } }

        func add(_ line: String) {
            condition.withLock {
                stored.append(line)
                condition.broadcast()
            }
        }

        /// Waits until `count` lines arrived, for at most 30 seconds; returns whether they did.
        func wait(for count: Int) -> Bool {
            let deadline = Date().addingTimeInterval(30)
            condition.lock()
            defer { condition.unlock() }
            while stored.count < count {
                if !condition.wait(until: deadline) { return stored.count >= count }
            }
            return true
        }
    }
}
