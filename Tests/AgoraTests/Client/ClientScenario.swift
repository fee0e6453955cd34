import Foundation
import Testing

/// The compromised-VM case, set up through the client commands. It makes the `compromised_vm`
/// library policy in approve mode and a push data source `ids` with the IDS tables. A packet
/// from the simulated VM `web-1` (10.10.1.11) to a blocklisted address then opens one incident.
enum ClientScenario {
    static let vmAddress = "10.10.1.11"
    static let blocklisted = "203.0.113.66"

    /// Sets the case up on `server` and returns the id of the incident it opens.
    static func openIncident(on server: AgoraServerProcess) async throws -> String {
        let url = server.url
        let steps: [[String]] = [
            ["policy", "create", "--from-library", "compromised_vm", "--mode", "approve"],
            ["datasource", "create", "push", "ids", "--config", "tables=ip_packet:src_ip;dst_ip,ip_blacklist:ip"],
            ["datasource", "row", "update", "ids", "ip_blacklist", "[[\"\(blocklisted)\"]]"],
            ["datasource", "row", "update", "ids", "ip_packet", "[[\"\(vmAddress)\", \"\(blocklisted)\"]]"],
        ]
        for step in steps {
            let result = try ClientRun.agora(step, url: url)
            #expect(result.status == 0, "\(step): \(result.standardError)")
        }

        // The engine settles and the incident tracker runs after the push returns.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let incidents = try ClientRun.json(["incident", "list"], url: url)
            if let id = incidents["results"]?.arrayValue?.first?["id"]?.stringValue { return id }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw ScenarioError.noIncident
    }

    enum ScenarioError: Error {
        case noIncident
    }
}
