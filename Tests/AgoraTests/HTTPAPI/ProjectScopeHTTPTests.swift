import Foundation
import OpenStack
import Testing

/// Non-admin keys see only their own project's incidents, actions and rows, on collections
/// and on every element URL. Project A is the simulated cloud's `web` project, whose `web-1`
/// is flagged; project B is `data`, which has no incident.
@Suite("HTTP API: project scope")
struct ProjectScopeHTTPTests {
    struct Keys {
        var admin: HTTPClient
        var operatorA: HTTPClient
        var viewerA: HTTPClient
        var operatorB: HTTPClient
        var viewerB: HTTPClient
    }

    /// Starts a token-auth server with `web-1` flagged in approve mode and a key per role and project.
    static func setUp(_ server: AgoraProcess) async throws -> Keys {
        let admin = HTTPClient(server)
        try await CompromisedVMScenario.flagWebServer(admin, mode: "approve")
        try await CompromisedVMScenario.waitForIncidents(admin, count: 1)
        _ = try await CompromisedVMScenario.waitForAction(admin, state: "held")
        let projectA = try await CompromisedVMScenario.projectOfServer(admin, named: "web-1")
        let projectB = try await CompromisedVMScenario.projectOfServer(admin, named: "db-1")

        func key(_ role: String, _ project: String) async throws -> HTTPClient {
            let body: JSON = [
                "name": .string("\(role)-\(project)"), "role": .string(role), "project_id": .string(project),
            ]
            let created = try await admin.post("/v1/tokens", body)
            return admin.with(token: try #require(created.json["token"]?.stringValue, "\(created.text)"))
        }
        return Keys(
            admin: admin, operatorA: try await key("operator", projectA), viewerA: try await key("viewer", projectA),
            operatorB: try await key("operator", projectB), viewerB: try await key("viewer", projectB))
    }

    @Test("incidents and actions by project")
    func incidentsAndActions() async throws {
        let server = try await AgoraProcess.start(auth: "token")
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let keys = try await Self.setUp(server)
        let incident = try #require(try await keys.admin.get("/v1/incidents").results.first?["id"]?.stringValue)
        let action = try #require(try await keys.admin.get("/v1/actions").results.first?["id"]?.intValue)

        for client in [keys.operatorA, keys.viewerA] {
            #expect(try await client.get("/v1/incidents").results.count == 1)
            #expect(try await client.get("/v1/incidents/\(incident)").status == 200)
            #expect(try await client.get("/v1/actions").results.count == 1)
            #expect(try await client.get("/v1/actions/\(action)").status == 200)
        }
        for client in [keys.operatorB, keys.viewerB] {
            #expect(try await client.get("/v1/incidents").results.isEmpty)
            #expect(try await client.get("/v1/incidents?state=open").results.isEmpty)
            #expect(try await client.get("/v1/incidents/\(incident)").status == 404)
            #expect(try await client.get("/v1/actions").results.isEmpty)
            #expect(try await client.get("/v1/actions?incident_id=\(incident)").results.isEmpty)
            #expect(try await client.get("/v1/actions/\(action)").status == 404)
        }

        // Another project's incident is not found, whatever the caller asks of it.
        for path in ["/v1/incidents/\(incident)/notes", "/v1/incidents/\(incident)?action=approve"] {
            #expect(try await keys.operatorB.post(path, ["text": "mine now"]).status == 404, "\(path)")
        }
        #expect(try await keys.operatorB.post("/v1/actions/\(action)?action=approve", [:]).status == 404)
        #expect(try await keys.operatorB.post("/v1/actions/\(action)?action=refuse", [:]).status == 404)

        // A viewer of the incident's own project sees it but may not act on it.
        #expect(try await keys.viewerA.post("/v1/incidents/\(incident)/notes", ["text": "x"]).status == 403)
        #expect(try await keys.viewerA.post("/v1/incidents/\(incident)?action=approve", [:]).status == 403)
        #expect(try await keys.viewerA.post("/v1/actions/\(action)?action=approve", [:]).status == 403)

        let detail = try await keys.admin.get("/v1/incidents/\(incident)")
        #expect(detail.json["notes"] == [])
        #expect(detail.json["state"] == "open")
        #expect(try await keys.admin.get("/v1/actions/\(action)").json["state"] == "held")

        // The operator of the project approves its own incident.
        let approved = try await keys.operatorA.post("/v1/incidents/\(incident)?action=approve", [:])
        #expect(approved.status == 200, "\(approved.text)")
        #expect(try await keys.admin.get("/v1/incidents/\(incident)").json["state"] == "contained")
    }

    @Test("rows filtered by project")
    func rows() async throws {
        let server = try await AgoraProcess.start(auth: "token")
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let keys = try await Self.setUp(server)
        let errorRows = "/v1/policies/compromised_vm/tables/error/rows"
        #expect(try await keys.admin.get(errorRows).results.count == 1)
        #expect(try await keys.viewerA.get(errorRows).results.count == 1)
        #expect(try await keys.viewerB.get(errorRows).results.isEmpty)
        #expect(try await keys.operatorB.get(errorRows).results.isEmpty)

        let serverRows = "/v1/data-sources/simulated/tables/nova:servers/rows"
        let nameColumn = 1
        for (client, names) in [(keys.viewerA, Set(["web-1", "web-2"])), (keys.viewerB, Set(["db-1", "db-2"]))] {
            let rows = try await client.get(serverRows).results
            let seen = Set(rows.compactMap { $0["data"]?.arrayValue?[nameColumn].stringValue })
            #expect(seen == names)
        }
        #expect(try await keys.admin.get(serverRows).results.count == 6)
    }

    @Test("explain and simulate by project")
    func explainAndSimulate() async throws {
        let server = try await AgoraProcess.start(auth: "token")
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let keys = try await Self.setUp(server)

        let query = "/v1/policies/compromised_vm/explain?query=error(a,b,c,d,e)"
        #expect(try await keys.viewerA.get(query).results.count == 1)
        let explainedB = try await keys.viewerB.get(query)
        #expect(explainedB.results.isEmpty, "\(explainedB.text.prefix(300))")
        #expect(!explainedB.text.contains(CompromisedVMScenario.webAddress))

        let simulate: JSON = [
            "query": "flagged(vm, ip)", "sequence": "ids:ip_packet+(\"10.20.1.11\", \"203.0.113.9\")",
            "action_policy": "action",
        ]
        let path = "/v1/policies/compromised_vm?action=simulate"
        let asAdmin = try await keys.admin.post(path, simulate)
        #expect(asAdmin.status == 200, "\(asAdmin.text)")
        #expect(asAdmin.json["result"]?.arrayValue?.count == 2)
        let asB = try await keys.viewerB.post(path, simulate)
        #expect(asB.status == 200, "\(asB.text)")
        #expect(!asB.text.contains(CompromisedVMScenario.webAddress), "\(asB.text)")
    }

    @Test("event stream by project")
    func events() async throws {
        let server = try await AgoraProcess.start(auth: "token")
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let keys = try await Self.setUp(server)

        func stream(_ client: HTTPClient) async throws -> String {
            let arguments = [
                "-s", "-N", "--max-time", "3", "-H", "X-Auth-Token: \(client.token ?? "")",
                "\(server.baseURL)/v1/events?last_event_id=0",
            ]
            return try await ChildProcess.run("/usr/bin/curl", arguments).standardOutput
        }
        let seenByA = try await stream(keys.viewerA)
        #expect(seenByA.contains("event: incident.opened"))
        #expect(seenByA.contains("event: action.held"))
        let seenByB = try await stream(keys.viewerB)
        #expect(!seenByB.contains("event: incident."), "\(seenByB.prefix(300))")
        #expect(!seenByB.contains("event: action."), "\(seenByB.prefix(300))")
        #expect(!seenByB.contains(CompromisedVMScenario.webAddress))
    }
}
