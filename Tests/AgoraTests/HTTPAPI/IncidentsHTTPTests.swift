import Foundation
import OpenStack
import Testing

/// Incidents, actions, events, health and metrics, over HTTP against a real `agora serve`
/// whose simulated cloud has a flagged VM.
@Suite("HTTP API: incidents and actions")
struct IncidentsHTTPTests {
    @Test("incident list, show, note")
    func incidentReads() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        try await CompromisedVMScenario.flagWebServer(client)
        let listed = try await CompromisedVMScenario.waitForIncidents(client, count: 1)

        let summary = try #require(listed.first)
        let id = try #require(summary["id"]?.stringValue)
        #expect(summary["vm_name"] == "web-1")
        #expect(summary["source_ip"] == .string(CompromisedVMScenario.webAddress))
        #expect(summary["external_ips"] == [.string(CompromisedVMScenario.blocklisted)])
        #expect(summary["state"] == "open")
        #expect(summary["policy"] == "compromised_vm")
        #expect(summary["proof"] == nil)
        #expect(summary["evidence"] == nil)
        let webProject = try await CompromisedVMScenario.projectOfServer(client, named: "web-1")
        #expect(summary["project_id"] == .string(webProject))

        let detail = try await client.get("/v1/incidents/\(id)")
        #expect(detail.status == 200)
        #expect(detail.json["proof"]?["basis"] == "rule")
        #expect(detail.json["evidence"]?.arrayValue?.isEmpty == false)

        #expect(try await client.get("/v1/incidents?state=open").results.count == 1)
        #expect(try await client.get("/v1/incidents?state=resolved").results.isEmpty)
        #expect(try await client.get("/v1/incidents?project_id=\(webProject)").results.count == 1)
        #expect(try await client.get("/v1/incidents?project_id=other").results.isEmpty)
        #expect(try await client.get("/v1/incidents?state=bogus").status == 400)
        #expect(try await client.get("/v1/incidents/no-such-incident").status == 404)

        let noted = try await client.post("/v1/incidents/\(id)/notes", ["text": "checked the flow logs"])
        #expect(noted.status == 201)
        #expect(noted.json["notes"]?.arrayValue?.last?["text"] == "checked the flow logs")
        for body in [#"{"text": ""}"#, #"{}"#, #"{"text": 5}"#, #"{"text": "#] {
            let rejected = try await client.send("POST", "/v1/incidents/\(id)/notes", text: body)
            #expect(rejected.status == 400, "\(body): \(rejected.text)")
        }
        #expect(try await client.get("/v1/incidents/\(id)").json["notes"]?.arrayValue?.count == 1)
        #expect(try await client.post("/v1/incidents/no-such-incident/notes", ["text": "x"]).status == 404)
        #expect(try await client.post("/v1/incidents/\(id)", [:]).status == 400)
        #expect(try await client.post("/v1/incidents/\(id)?action=explode", [:]).status == 501)
    }

    @Test("approve, release and resolve an incident")
    func incidentResponses() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        try await CompromisedVMScenario.flagWebServer(client, mode: "approve")
        let id = try #require(
            try await CompromisedVMScenario.waitForIncidents(client, count: 1).first?["id"]?.stringValue)

        let held = try await CompromisedVMScenario.waitForAction(client, state: "held")
        let actionID = try #require(held["id"]?.intValue)
        #expect(try await client.get("/v1/actions?state=held").results.count == 1)
        let linked = try await client.get("/v1/actions?incident_id=\(id)").results
        #expect(linked.compactMap { $0["id"]?.intValue } == [actionID])

        let approved = try await client.post("/v1/incidents/\(id)?action=approve", [:])
        #expect(approved.status == 200, "\(approved.text)")
        #expect(approved.results.count == 1)
        let contained = try await client.get("/v1/incidents/\(id)")
        #expect(contained.json["state"] == "contained")
        #expect(contained.json["actions"]?.arrayValue?.first?["state"] == "verified")

        let action = try await client.get("/v1/actions/\(actionID)")
        let kinds = action.json["events"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
        #expect(kinds.contains("approved"))
        #expect(kinds.contains("verified"))
        #expect(action.json["changes"]?.arrayValue?.isEmpty == false)

        let released = try await client.post("/v1/incidents/\(id)?action=release", [:])
        #expect(released.status == 200, "\(released.text)")
        #expect(try await client.get("/v1/incidents/\(id)").json["state"] == "released")
        #expect(try await client.get("/v1/actions/\(actionID)").json["state"] == "released")

        // A released action cannot be approved or refused again.
        #expect(try await client.post("/v1/actions/\(actionID)?action=approve", [:]).status == 409)
        #expect(try await client.post("/v1/actions/\(actionID)?action=refuse", [:]).status == 409)

        let resolved = try await client.post("/v1/incidents/\(id)?action=resolve", ["note": "rebuilt the VM"])
        #expect(resolved.status == 200)
        #expect(resolved.json["state"] == "resolved")
        #expect(try await client.get("/v1/incidents?state=resolved").results.count == 1)
    }

    @Test("refuse a held action")
    func refuseAction() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        try await CompromisedVMScenario.flagWebServer(client, mode: "approve")
        try await CompromisedVMScenario.waitForIncidents(client, count: 1)
        let held = try await CompromisedVMScenario.waitForAction(client, state: "held")
        let actionID = try #require(held["id"]?.intValue)

        let refused = try await client.post("/v1/actions/\(actionID)?action=refuse", ["reason": "false positive"])
        #expect(refused.status == 200, "\(refused.text)")
        #expect(refused.json["state"] == "refused")
        #expect(try await client.get("/v1/actions/\(actionID)").json["state"] == "refused")

        #expect(try await client.get("/v1/actions/999999").status == 404)
        #expect(try await client.get("/v1/actions/not-a-number").status == 404)
        #expect(try await client.post("/v1/actions/\(actionID)", [:]).status == 400)
        #expect(try await client.delete("/v1/actions/\(actionID)").status == 501)
    }

    @Test("events, health, metrics and OpenAPI")
    func serviceEndpoints() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        try await CompromisedVMScenario.flagWebServer(client)
        try await CompromisedVMScenario.waitForIncidents(client, count: 1)

        let health = try await client.get("/healthz")
        #expect(health.json["status"] == "ok")
        #expect(health.json["store"] == "ok")
        #expect(health.json["datasources"]?["simulated"] != nil)
        #expect(health.json["datasources"]?["ids"] != nil)

        let metrics = try await client.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(metrics.text.contains("agora_table_rows{"))
        #expect(metrics.text.contains("agora_incidents{state=\"open\"} 1"))

        let openAPI = try await client.get("/v1/openapi.json")
        #expect(openAPI.status == 200)
        #expect(openAPI.headers["content-type"]?.hasPrefix("application/json") == true)

        // The stream stays open, so curl reads it for three seconds and stops. The replay from
        // event 0 contains the incident that opened before the request.
        let stream = try await ChildProcess.run(
            "/usr/bin/curl",
            ["-s", "-N", "--max-time", "3", "\(server.baseURL)/v1/events?last_event_id=0"])
        #expect(stream.standardOutput.contains("event: incident.opened"), "\(stream.standardOutput.prefix(500))")
        #expect(stream.standardOutput.contains("event: action.requested"))
        #expect(stream.standardOutput.contains("\nid: 1\n"))
    }
}
