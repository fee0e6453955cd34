import Foundation
import OpenStack
import Testing

/// Everything created through the API survives a SIGKILL of `agora serve` and a start on the
/// same data directory, and the engine derives the same rows again.
@Suite("HTTP API: restart after SIGKILL")
struct RestartHTTPTests {
    /// Tables whose rows must be the same before and after the restart.
    static let derivedTables = [
        "/v1/policies/compromised_vm/tables/error/rows", "/v1/policies/compromised_vm/tables/flagged/rows",
        "/v1/policies/compromised_vm/tables/contact_count/rows", "/v1/policies/web/tables/web_server/rows",
        "/v1/policies/web/tables/allowed/rows", "/v1/data-sources/ids/tables/ip_packet/rows",
        "/v1/data-sources/feed/tables/t/rows",
    ]

    @Test("state survives SIGKILL")
    func everythingSurvives() async throws {
        let first = try await AgoraProcess.start()
        defer { first.removeDataDirectory() }
        let client = HTTPClient(first)

        try await CompromisedVMScenario.flagWebServer(client, mode: "approve")
        let incidentID = try #require(
            try await CompromisedVMScenario.waitForIncidents(client, count: 1).first?["id"]?.stringValue)
        _ = try await CompromisedVMScenario.waitForAction(client, state: "held")
        #expect(try await client.post("/v1/incidents/\(incidentID)/notes", ["text": "before the crash"]).status == 201)

        #expect(try await client.post("/v1/policies", ["name": "web", "description": "web tier"]).status == 201)
        let rules = [
            "web_server(x, n) :- nova:servers(id=x, name=n), not allowed(n)",
            "allowed(\"10.10.1.11\")", "allowed(\"10.10.1.12\")",
        ]
        for rule in rules {
            #expect(
                try await client.post("/v1/policies/web/rules", ["rule": .string(rule), "name": "r"]).status == 201)
        }
        #expect(try await client.put("/v1/policies/web/mode", ["mode": "enforce"]).status == 200)
        let config: JSON = ["tables": "t:a;b"]
        #expect(
            try await client.post("/v1/data-sources", ["name": "feed", "driver": "push", "config": config]).status
                == 201)
        #expect(
            try await client.put(
                "/v1/data-sources/feed/tables/t/rows", [["x", 1], ["y", .double(2.5)], ["z", true]]
            ).status
                == 200)
        let library: JSON = ["name": "kept_library", "rules": [["rule": "k(1)"]]]
        #expect(try await client.post("/v1/librarypolicies", library).status == 201)

        let stored = try await StoredState.read(client)
        let derived = try await Self.readDerived(client)
        let incidents = try await Self.readIncidents(client)
        let actions = try await Self.readActions(client)
        #expect(derived["/v1/policies/compromised_vm/tables/error/rows"]?.isEmpty == false)
        #expect(derived["/v1/policies/web/tables/web_server/rows"]?.isEmpty == false)

        first.crash()
        let second = try await AgoraProcess.start(dataDirectory: first.dataDirectory)
        defer { second.stop() }
        let after = HTTPClient(second)

        let storedAfter = try await StoredState.read(after)
        #expect(storedAfter == stored, "\(storedAfter.differences(from: stored))")
        let derivedAfter = try await Self.readDerived(after)
        for path in Self.derivedTables {
            #expect(derivedAfter[path] == derived[path], "\(path)")
        }
        #expect(try await Self.readIncidents(after) == incidents)
        #expect(try await Self.readActions(after) == actions)
        #expect(try await after.get("/v1/policies/web").json["mode"] == "enforce")

        // The held action can still be approved after the restart.
        let approved = try await after.post("/v1/incidents/\(incidentID)?action=approve", [:])
        #expect(approved.status == 200, "\(approved.text)")
        #expect(try await after.get("/v1/incidents/\(incidentID)").json["state"] == "contained")
    }

    @Test("acknowledged writes survive a SIGKILL mid-burst")
    func acknowledgedWrites() async throws {
        let first = try await AgoraProcess.start()
        defer { first.removeDataDirectory() }
        let client = HTTPClient(first)
        #expect(try await client.post("/v1/policies", ["name": "burst"]).status == 201)

        // Writers keep inserting while the server is killed. Every write that returned 201 must
        // be there after the restart.
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var texts: [String] = []
                    for index in 0..<200 {
                        let text = "burst_row(\(writer), \(index))"
                        guard let result = try? await client.post("/v1/policies/burst/rules", ["rule": .string(text)])
                        else { break }
                        if result.status == 201 { texts.append(text) }
                    }
                    return texts
                }
            }
            group.addTask {
                while try await client.get("/v1/policies/burst/rules").results.count < 40 {
                    try await Task.sleep(nanoseconds: 10_000_000)
                }
                first.crash()
                return []
            }
            var all: [String] = []
            for try await texts in group { all += texts }
            return all
        }
        #expect(acknowledged.count >= 40)

        let second = try await AgoraProcess.start(dataDirectory: first.dataDirectory)
        defer { second.stop() }
        let stored = try await HTTPClient(second).get("/v1/policies/burst/rules").results
        let storedTexts = Set(stored.compactMap { $0["rule"]?.stringValue })
        #expect(storedTexts.isSuperset(of: acknowledged), "lost: \(Set(acknowledged).subtracting(storedTexts))")
        // At most one insert per writer can have been stored without its response reaching the writer.
        #expect(storedTexts.count <= acknowledged.count + 8)
        let rows = try await HTTPClient(second).get("/v1/policies/burst/tables/burst_row/rows").results
        #expect(rows.count == storedTexts.count)
    }

    static func readDerived(_ client: HTTPClient) async throws -> [String: [JSON]] {
        var tables: [String: [JSON]] = [:]
        for path in derivedTables {
            let result = try await client.get(path)
            #expect(result.status == 200, "\(path): \(result.text)")
            tables[path] = result.results.sorted { $0.text < $1.text }
        }
        return tables
    }

    /// Incidents without the fields that the tracker may refresh at start (times, counts).
    static func readIncidents(_ client: HTTPClient) async throws -> [JSON] {
        let listed = try await client.get("/v1/incidents").results
        return listed.map { incident in
            var kept: [String: JSON] = [:]
            for key in [
                "id", "policy", "vm_id", "vm_name", "project_id", "source_ip", "external_ips", "state", "notes",
            ] {
                kept[key] = incident[key] ?? .null
            }
            return .object(kept)
        }
    }

    static func readActions(_ client: HTTPClient) async throws -> [JSON] {
        let listed = try await client.get("/v1/actions").results
        return listed.map { action in
            var kept: [String: JSON] = [:]
            for key in ["id", "key", "policy", "state", "incident_id", "target", "requested_at", "reason_code"] {
                kept[key] = action[key] ?? .null
            }
            return .object(kept)
        }
    }
}
