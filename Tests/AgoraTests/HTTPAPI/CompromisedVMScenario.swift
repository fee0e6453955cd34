import Foundation
import OpenStack
import Testing

/// The compromised-VM case, set up through the API. It creates the library policy
/// `compromised_vm` and a push data source `ids` with two tables. Its IDS rows flag `web-1`
/// (10.10.1.11 in project `web` of the simulated cloud) for packets to a blocklisted address.
enum CompromisedVMScenario {
    static let webAddress = "10.10.1.11"
    static let dbAddress = "10.20.1.11"
    static let blocklisted = "203.0.113.9"

    /// Creates the policy and the `ids` data source and pushes the rows. `mode` sets the
    /// policy's response mode, which stays `dry-run` when nil.
    static func flagWebServer(_ client: HTTPClient, mode: String? = nil) async throws {
        let policy = try await client.send("POST", "/v1/policies?library_policy=compromised_vm")
        try #require(policy.status == 201, "\(policy.text)")
        if let mode {
            let changed = try await client.put("/v1/policies/compromised_vm/mode", ["mode": .string(mode)])
            try #require(changed.status == 200, "\(changed.text)")
        }
        let config: JSON = ["tables": "ip_packet:src_ip;dst_ip,ip_blacklist:ip"]
        let source = try await client.post("/v1/data-sources", ["name": "ids", "driver": "push", "config": config])
        try #require(source.status == 201, "\(source.text)")
        try await push(client, table: "ip_blacklist", [[.string(blocklisted)]])
        try await push(client, table: "ip_packet", [[.string(webAddress), .string(blocklisted)]])
    }

    static func push(_ client: HTTPClient, table: String, _ rows: [[JSON]]) async throws {
        let result = try await client.put("/v1/data-sources/ids/tables/\(table)/rows", .array(rows.map(JSON.array)))
        try #require(result.status == 200, "\(result.text)")
    }

    /// Polls the incident list until it contains `count` incidents or a minute passed, because
    /// the tracker records incidents after the engine settles. Returns the last list read.
    @discardableResult
    static func waitForIncidents(_ client: HTTPClient, count: Int) async throws -> [JSON] {
        var incidents: [JSON] = []
        for _ in 0..<600 {
            incidents = try await client.get("/v1/incidents").results
            if incidents.count >= count { return incidents }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        Issue.record("expected \(count) incidents, found \(incidents.count)")
        return incidents
    }

    /// Polls `GET /v1/actions?state=STATE` until it lists an action or a minute passed, because
    /// the enforcer decides after the incident opened. Returns the first action listed.
    static func waitForAction(_ client: HTTPClient, state: String) async throws -> JSON {
        for _ in 0..<600 {
            if let action = try await client.get("/v1/actions?state=\(state)").results.first { return action }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let all = try await client.get("/v1/actions").text
        Issue.record("no action reached state \(state); actions: \(all)")
        return .null
    }

    /// Reads the project id of the simulated server named `name` from `nova:servers`.
    static func projectOfServer(_ client: HTTPClient, named name: String) async throws -> String {
        let rows = try await client.get("/v1/data-sources/simulated/tables/nova:servers/rows").results
        let spec = try await client.get("/v1/data-sources/simulated/tables/nova:servers/spec").json
        let columns = spec["columns"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        let nameIndex = try #require(columns.firstIndex(of: "name"))
        let tenantIndex = try #require(columns.firstIndex(of: "tenant_id"))
        let row = try #require(rows.compactMap { $0["data"]?.arrayValue }.first { $0[nameIndex] == .string(name) })
        return try #require(row[tenantIndex].stringValue)
    }
}
