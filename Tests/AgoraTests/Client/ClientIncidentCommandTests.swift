import Foundation
import OpenStack
import Testing

@Suite(.serialized) struct ClientIncidentCommandTests {
    @Test func incidentFromFlagToResolve() async throws {
        let server = try await AgoraServerProcess()
        defer { server.stop() }
        let url = server.url
        let incident = try await ClientScenario.openIncident(on: server)

        let list = try ClientRun.agora(["incident", "list", "--state", "open"], url: url)
        #expect(list.standardOutput.contains(incident))
        #expect(list.standardOutput.contains("web-1"))
        #expect(list.standardOutput.contains(ClientScenario.blocklisted))
        let resolvedOnly = try ClientRun.json(["incident", "list", "--state", "resolved"], url: url)
        #expect(resolvedOnly["results"] == [])

        let noted = try ClientRun.agora(["incident", "note", incident, "seen by the on-call"], url: url)
        #expect(noted.status == 0, "\(noted.standardError)")

        let shown = try ClientRun.agora(["incident", "show", incident], url: url)
        #expect(shown.status == 0)
        let text = shown.standardOutput
        #expect(text.contains("evidence:"))
        #expect(text.contains("ids:ip_packet(\"\(ClientScenario.vmAddress)\""))
        #expect(text.contains("proof:\n  error("))
        #expect(text.contains("    vm_contact("), "the proof tree is indented by depth")
        #expect(text.contains("seen by the on-call"))
        #expect(text.contains("timeline:"))
        #expect(text.contains("held"))

        // The policy is in approve mode, so its quarantine waits for an operator.
        let actions = try ClientRun.json(["action", "list", "--incident", incident], url: url)
        let action = try #require(actions["results"]?.arrayValue?.first)
        #expect(action["state"] == "held")
        #expect(action["response"] == "quarantine")
        let actionID = try #require(action["id"]?.intValue)

        let approved = try ClientRun.agora(["action", "approve", String(actionID)], url: url)
        #expect(approved.status == 0, "\(approved.standardError)")
        #expect(approved.standardOutput.hasPrefix("action \(actionID) is "))
        let detail = try ClientRun.agora(["action", "show", String(actionID)], url: url)
        #expect(detail.standardOutput.contains("events:"))
        #expect(detail.standardOutput.contains("approved"))

        let released = try ClientRun.agora(["incident", "release", incident], url: url)
        #expect(released.status == 0, "\(released.standardError)")
        let resolved = try ClientRun.json(["incident", "resolve", incident, "--note", "false alarm"], url: url)
        #expect(resolved["state"] == "resolved")
        #expect(resolved["notes"]?.arrayValue?.last?["text"] == "false alarm")

        let missing = try ClientRun.agora(["incident", "show", "no-such-incident"], url: url)
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("incident 'no-such-incident' not found (HTTP 404)"))
        let missingAction = try ClientRun.agora(["action", "show", "99999"], url: url)
        #expect(missingAction.status == 1)
        #expect(missingAction.standardError.contains("agora action list"))
    }

    @Test func rowsExplainAndDataSources() async throws {
        let server = try await AgoraServerProcess()
        defer { server.stop() }
        let url = server.url
        _ = try await ClientScenario.openIncident(on: server)

        let rows = try ClientRun.agora(["row", "list", "compromised_vm", "error"], url: url)
        #expect(rows.status == 0)
        #expect(rows.standardOutput.contains("COL0"))
        #expect(rows.standardOutput.contains(ClientScenario.vmAddress))
        let traced = try ClientRun.json(["row", "list", "compromised_vm", "error", "--trace"], url: url)
        #expect(traced["trace"] != nil)
        #expect(traced["results"]?.arrayValue?.count == 1)

        let explained = try ClientRun.agora(["explain", "compromised_vm", "flagged(x, y)"], url: url)
        #expect(explained.status == 0, "\(explained.standardError)")
        let lines = explained.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("flagged(") == true)
        #expect(lines.contains { $0.hasPrefix("  error(") })
        #expect(lines.contains { $0.hasPrefix("      ids:ip_packet(") && $0.hasSuffix("[fact]") })

        let sources = try ClientRun.agora(["datasource", "list"], url: url)
        #expect(sources.standardOutput.contains("simulated"))
        #expect(sources.standardOutput.contains("tables=ip_packet:src_ip;dst_ip,ip_blacklist:ip"))
        let packets = try ClientRun.agora(["datasource", "row", "list", "ids", "ip_packet"], url: url)
        #expect(packets.standardOutput.hasPrefix("SRC_IP"), "\(packets.standardOutput)")
        #expect(packets.standardOutput.contains(ClientScenario.blocklisted))
        let schema = try ClientRun.agora(["datasource", "schema", "ids"], url: url)
        #expect(schema.standardOutput.contains("src_ip, dst_ip"))
        let status = try ClientRun.json(["datasource", "status", "simulated"], url: url)
        #expect(status["initialized"] == "True")
        #expect(try ClientRun.agora(["datasource", "refresh", "simulated"], url: url).status == 0)

        let noTable = try ClientRun.agora(["datasource", "row", "list", "ids", "alerts"], url: url)
        #expect(noTable.status == 1)
        #expect(noTable.standardError.contains("agora datasource schema ids"), "\(noTable.standardError)")
        let badRows = try ClientRun.agora(["datasource", "row", "update", "ids", "ip_packet", "[1,"], url: url)
        #expect(badRows.status == 2)

        #expect(try ClientRun.agora(["datasource", "delete", "ids"], url: url).status == 0)
        let gone = try ClientRun.agora(["datasource", "show", "ids"], url: url)
        #expect(gone.status == 1)
        #expect(gone.standardError.contains("data source 'ids' not found (HTTP 404)"))
    }
}
