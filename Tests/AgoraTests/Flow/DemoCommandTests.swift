import Foundation
import Testing

/// `agora demo --once` as a newcomer runs it: the generated traffic infects one VM, which ends
/// up quarantined, and the summary says so.
@Suite struct DemoCommandTests {
    @Test func demoOnceContainsTheInfectedVM() throws {
        let port = try AgoraServerProcess.freePort()
        let result = try TestSupport.runAgora(["demo", "--once", "--bind", "127.0.0.1:\(port)"])
        #expect(result.status == 0, "\(result.standardError)")
        let output = result.standardOutput
        #expect(output.contains("ALERT: web-1 (10.10.1.11) contacted 203.0.113.66"))
        #expect(output.contains("ids:ip_blacklist(\"203.0.113.66\")"))
        #expect(output.contains("Action quarantine #1: verified"))
        // The service stops with --once, so the dashboard address and release command are not printed.
        #expect(!output.contains("Dashboard: "))
        #expect(output.contains("contained: yes"))
    }

    @Test func demoRefusesAnUnreadableEVEFile() throws {
        let result = try TestSupport.runAgora(["demo", "--once", "--eve", "/nonexistent/eve.json"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("/nonexistent/eve.json"))
    }
}
