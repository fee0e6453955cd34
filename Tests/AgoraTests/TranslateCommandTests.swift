import Foundation
import Testing

@testable import AgoraCLI

@Suite struct TranslateCommandTests {
    final class Captured {
        var output = ""
        var error = ""
    }

    static let shared: URL = {
        if let path = ProcessInfo.processInfo.environment["AGORA_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    func run(_ arguments: [String]) -> (status: Int32, captured: Captured) {
        let captured = Captured()
        let console = TranslateConsole(output: { captured.output += $0 }, error: { captured.error += $0 + "\n" })
        return (runTranslate(arguments: arguments, console: console), captured)
    }

    @Test func suricataFactsAndSummary() {
        let file = Self.shared.appendingPathComponent("cases/B09-eve-invalid-utf8-field/eve-bad-bytes.jsonl").path
        let (status, captured) = run(["--driver", "suricata", file])
        #expect(status == 0)
        let lines = captured.output.split(separator: "\n")
        #expect(lines.first == #"ids:ip_packet("192.0.2.10", "203.0.113.66")"#)
        #expect(lines.filter { $0.hasPrefix("ids:alerts(") }.count == 3)
        #expect(captured.error.contains("lines read: 4"))
        #expect(captured.error.contains("rows produced: 6"))
        #expect(captured.error.contains("lines rejected: 1"))
        #expect(captured.error.contains(":3: src_ip is not a valid IP address"))
    }

    @Test func blocklistFacts() {
        let file = Self.shared.appendingPathComponent("cases/B16-feed-internal-ranges/feed.txt").path
        let (status, captured) = run(["--driver", "blocklist", file])
        #expect(status == 0)
        #expect(captured.output.contains(#"ids:ip_blacklist("203.0.113.66")"#))
        #expect(captured.output.contains(#"blocklist:networks("203.0.113.66/32", "\#(file)", "blocklist")"#))
        #expect(!captured.output.contains("10.0.0.0/8"))
        #expect(captured.error.contains("overlaps 10.0.0.0/8, a private range"))
    }

    @Test func exitStatuses() {
        #expect(run(["--driver", "suricata", "/nonexistent/eve.json"]).status == 1)
        #expect(run(["--driver", "bro", "x"]).status == 2)
        #expect(run(["x"]).status == 2)
        #expect(run(["--driver", "zeek"]).status == 2)
        #expect(run(["--driver", "snort", "--year", "99", "x"]).status == 2)
        #expect(run(["--bogus"]).status == 2)
        #expect(run(["--help"]).status == 0)
    }
}
