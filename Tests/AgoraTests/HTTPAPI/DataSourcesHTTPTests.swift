import Foundation
import OpenStack
import Testing

/// Data sources, their tables and rows, and the driver catalog, over HTTP against a real
/// `agora serve` with the simulated cloud.
@Suite("HTTP API: data sources")
struct DataSourcesHTTPTests {
    static let pushConfig: JSON = ["tables": "ip_packet:src_ip;dst_ip,ip_blacklist:ip"]

    @Test("push data source lifecycle")
    func lifecycle() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)

        let created = try await client.post(
            "/v1/data-sources", ["name": "ids", "driver": "push", "config": Self.pushConfig, "description": "feed"])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"]?.stringValue)
        #expect(created.headers["location"] == "/v1/data-sources/\(id)")
        #expect(created.json["driver"] == "push")
        #expect(created.json["enabled"] == true)
        #expect(created.json["type"] == .null)
        #expect(created.json["config"] == Self.pushConfig)

        #expect(try await client.get("/v1/data-sources/ids").json == created.json)
        #expect(try await client.get("/v1/data-sources/\(id)").json == created.json)
        let names = try await client.get("/v1/data-sources").results.compactMap { $0["name"]?.stringValue }
        #expect(Set(names) == ["ids", "simulated"])

        let tables = try await client.get("/v1/data-sources/ids/tables")
        #expect(Set(tables.results.compactMap { $0["id"]?.stringValue }) == ["ip_packet", "ip_blacklist"])
        #expect(try await client.get("/v1/data-sources/ids/tables/ip_packet").json == ["id": "ip_packet"])
        let spec = try await client.get("/v1/data-sources/ids/tables/ip_packet/spec")
        #expect(spec.json["table_id"] == "ip_packet")
        #expect(spec.json["columns"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["src_ip", "dst_ip"])
        let schema = try await client.get("/v1/data-sources/ids/schema")
        #expect(schema.json["tables"]?.arrayValue?.count == 2)
        #expect(try await client.get("/v1/data-sources/ids/actions").results.isEmpty)

        let refreshed = try await client.post("/v1/data-sources/ids?action=request-refresh", [:])
        #expect(refreshed.status == 200)
        #expect(refreshed.json == .null)
        #expect(try await client.post("/v1/data-sources/ids?action=no-such-call", [:]).status == 501)

        let deleted = try await client.delete("/v1/data-sources/ids")
        #expect(deleted.status == 200)
        #expect(try await client.get("/v1/data-sources/ids").status == 404)
        #expect(try await client.delete("/v1/data-sources/ids").status == 404)
        #expect(try await client.get("/v1/data-sources/\(id)/tables").status == 404)
    }

    @Test("push rows replace a table")
    func pushRows() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(
            try await client.post("/v1/data-sources", ["name": "ids", "driver": "push", "config": Self.pushConfig])
                .status == 201)
        let path = "/v1/data-sources/ids/tables/ip_packet/rows"

        let first = try await client.put(path, [["10.0.0.1", "203.0.113.9"], ["10.0.0.2", "203.0.113.9"]])
        #expect(first.status == 200, "\(first.text)")
        #expect(first.body.isEmpty)
        #expect(try await client.get(path).results.count == 2)

        let second = try await client.put(path, [["10.0.0.3", "198.51.100.1"]])
        #expect(second.status == 200)
        #expect(try await client.get(path).results == [["data": ["10.0.0.3", "198.51.100.1"]]])

        let status = try await client.get("/v1/data-sources/ids/status")
        #expect(status.json["initialized"] == "True")
        #expect(status.json["last_error"] == "None")
        #expect(status.json["number_of_updates"]?.stringValue != nil)
        #expect(status.json["records_read"]?.intValue == 3)
        let rates = try await client.get("/v1/data-sources/ids/rates")
        #expect(rates.json["interval_seconds"] == 60)

        // Rejected pushes leave the table as the last good push left it.
        let rejected: [(name: String, body: String)] = [
            ("an object", #"{"rows": []}"#),
            ("malformed JSON", #"[["10.0.0.4", "x"]"#),
            ("a row that is a string", #"["10.0.0.4"]"#),
            ("a value that is an object", #"[["10.0.0.4", {"a": 1}]]"#),
            ("too few columns", #"[["10.0.0.4"]]"#),
            ("too many columns", #"[["10.0.0.4", "x", "y"]]"#),
        ]
        for item in rejected {
            let result = try await client.send("PUT", path, text: item.body)
            #expect(result.status == 400, "\(item.name): \(result.text)")
            #expect(!result.errorMessage.isEmpty, "\(item.name)")
        }
        #expect(try await client.get(path).results == [["data": ["10.0.0.3", "198.51.100.1"]]])

        let notPush = try await client.put("/v1/data-sources/simulated/tables/nova:servers/rows", [])
        #expect(notPush.status == 400)
        #expect(try await client.put("/v1/data-sources/ids/tables/nosuch/rows", []).status == 404)
        #expect(try await client.put("/v1/data-sources/nosuch/tables/ip_packet/rows", []).status == 404)

        let emptied = try await client.put(path, [])
        #expect(emptied.status == 200)
        #expect(try await client.get(path).results.isEmpty)
    }

    @Test("IDS events pushed over HTTP")
    func idsEvents() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(
            try await client.post("/v1/data-sources", ["name": "sensor", "driver": "ids", "config": [:]]).status == 201)

        let lines = [
            #"{"timestamp": "2026-01-01T00:00:00.000000+0000", "event_type": "flow", "src_ip": "10.10.1.11", "#
                + #""src_port": 40000, "dest_ip": "203.0.113.9", "dest_port": 443, "proto": "TCP"}"#,
            "not an EVE record",
        ]
        let pushed = try await client.send(
            "POST", "/v1/data-sources/sensor/events", text: lines.joined(separator: "\n") + "\n",
            contentType: "application/x-ndjson")
        #expect(pushed.status == 200, "\(pushed.text)")
        #expect(pushed.json["read"] == 2)

        let packets = try await client.get("/v1/data-sources/sensor/tables/ip_packet/rows")
        #expect(packets.results == [["data": ["10.10.1.11", "203.0.113.9"]]])
        let status = try await client.get("/v1/data-sources/sensor/status")
        #expect(status.json["records_rejected"] == 1)

        let notIDS = try await client.send("POST", "/v1/data-sources/simulated/events", text: lines[0])
        #expect(notIDS.status == 400)
        #expect(try await client.send("POST", "/v1/data-sources/nosuch/events", text: lines[0]).status == 404)
    }

    @Test("bad data source requests change nothing")
    func rejectedCreates() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(
            try await client.post("/v1/data-sources", ["name": "ids", "driver": "push", "config": Self.pushConfig])
                .status == 201)
        let before = try await StoredState.read(client)

        let cases: [(name: String, body: String, status: Int, message: String)] = [
            ("malformed JSON", #"{"name": "x", "#, 400, "Failed to parse body"),
            ("name missing", #"{"driver": "push", "config": {"tables": "t:a"}}"#, 400, "needs a name"),
            ("driver missing", #"{"name": "x"}"#, 400, "needs a name and a driver"),
            ("name a number", #"{"name": 3, "driver": "push"}"#, 400, "needs a name"),
            ("unknown driver", #"{"name": "x", "driver": "warp"}"#, 400, "warp"),
            (
                "unknown option", #"{"name": "x", "driver": "push", "config": {"tables": "t:a", "speed": "1"}}"#, 400,
                "speed"
            ),
            ("required option missing", #"{"name": "x", "driver": "push", "config": {}}"#, 400, "tables"),
            (
                "config a list", #"{"name": "x", "driver": "push", "config": ["tables"]}"#, 400,
                "config must be an object"
            ),
            ("config value an object", #"{"name": "x", "driver": "push", "config": {"tables": {}}}"#, 400, "tables"),
            ("invalid name", #"{"name": "bad name", "driver": "push", "config": {"tables": "t:a"}}"#, 400, "bad name"),
            (
                "name with underscore first", #"{"name": "_x", "driver": "push", "config": {"tables": "t:a"}}"#, 400,
                "_x"
            ),
            ("duplicate name", #"{"name": "ids", "driver": "push", "config": {"tables": "t:a"}}"#, 409, "ids"),
        ]
        for item in cases {
            let result = try await client.send("POST", "/v1/data-sources", text: item.body)
            #expect(result.status == item.status, "\(item.name): \(result.text)")
            #expect(result.errorMessage.contains(item.message), "\(item.name): \(result.errorMessage)")
        }
        #expect(try await StoredState.read(client) == before)
    }

    @Test("secrets never reach a response")
    func secrets() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        let before = try await StoredState.read(client)
        let secret = "hunter2-do-not-echo"

        for field in ["password", "Password", "secret", "token", "api_key"] {
            let body: JSON = ["name": "leaky", "driver": "push", "config": ["tables": "t:a", field: .string(secret)]]
            let result = try await client.post("/v1/data-sources", body)
            #expect(result.status == 400, "\(field): \(result.text)")
            #expect(result.errorMessage.contains(field), "\(field): \(result.errorMessage)")
            #expect(result.errorMessage.contains("secret"), "\(field): \(result.errorMessage)")
            #expect(!result.text.contains(secret), "\(field): the response repeats the secret")
        }
        #expect(try await StoredState.read(client) == before)

        for path in ["/v1/data-sources", "/v1/data-sources/leaky", "/v1/policies", "/healthz", "/metrics"] {
            #expect(!(try await client.get(path).text.contains(secret)), "\(path)")
        }
        #expect(!server.log().contains(secret), "the server log contains the secret")
    }

    @Test("simulated source and driver catalog")
    func simulatedAndDrivers() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)

        let servers = try await client.get("/v1/data-sources/simulated/tables/nova:servers/rows")
        #expect(servers.results.count == 6)
        let columns = try await client.get("/v1/data-sources/simulated/tables/nova:servers/spec")
        let names = columns.json["columns"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.first == "id")
        #expect(names.contains("tenant_id"))
        #expect(servers.results.allSatisfy { $0["data"]?.arrayValue?.count == names.count })
        #expect(try await client.get("/v1/data-sources/simulated/tables/nosuch/rows").status == 404)
        #expect(try await client.get("/v1/data-sources/simulated/tables/nosuch/spec").status == 404)

        let actions = try await client.get("/v1/data-sources/simulated/actions")
        let actionNames = Set(actions.results.compactMap { $0["name"]?.stringValue })
        #expect(actionNames == ["agora:quarantine", "agora:port_down", "agora:pause", "agora:lock"])

        let drivers = try await client.get("/v1/system/drivers")
        let driverIDs = Set(drivers.results.compactMap { $0["id"]?.stringValue })
        #expect(driverIDs.isSuperset(of: ["push", "ids", "blocklist", "nova", "neutronv2", "simulated"]))
        let push = try await client.get("/v1/system/drivers/push")
        #expect(push.json["config"] == ["tables": "required"])
        #expect(push.json["secret"] == [])
        let nova = try await client.get("/v1/system/drivers/nova")
        #expect(nova.json["tables"]?.arrayValue?.contains { $0["table_id"] == "servers" } == true)
        #expect(try await client.get("/v1/system/drivers/warp").status == 404)
        #expect(try await client.get("/v1/data-sources/nosuch/status").status == 404)
    }
}
