import Foundation
import OpenStack
import Testing

/// The datasource and driver commands of python-congressclient against `agora serve`.
///
/// `datasource actions show`, `datasource schema show` and `driver schema show` format their
/// output with `dict.iteritems()`, which Python 3 lacks, so the client fails after the server
/// replied. For those the tests check that the client failed that way and that the reply it
/// received, fetched again with curl, is right.
@Suite("python-congressclient: data sources", .enabled(if: CongressClient.isInstalled))
struct CongressClientDataSourceTests {
    @Test("datasource create, list, delete, refresh")
    func lifecycle() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let cli = CongressClient(server)

        let created = try await cli.json(
            "datasource", "create", "push", "feed", "--config", "tables=t:a;b", "--description", "pushed rows")
        #expect(created["name"] == "feed")
        #expect(created["driver"] == "push")
        #expect(created["description"] == "pushed rows")
        #expect(created["config"] == ["tables": "t:a;b"])
        let id = try #require(created["id"]?.stringValue)

        let listed = try await cli.json("datasource", "list")
        let row = listed.arrayValue?.first { $0["name"] == "feed" }
        #expect(row?["id"] == .string(id))
        #expect(row?["driver"] == "push")
        #expect(row?["enabled"] == true)
        #expect(listed.arrayValue?.contains { $0["name"] == "simulated" } == true)

        let refreshed = try await cli.run("datasource", "request-refresh", "feed")
        #expect(refreshed.status == 0, "\(refreshed.standardError)")

        let secret = try await cli.run(
            "datasource", "create", "push", "leaky", "--config", "tables=t:a", "--config", "password=x1y2z3")
        #expect(secret.status != 0)
        #expect(secret.standardError.contains("password"), "\(secret.standardError)")
        #expect(!secret.standardError.contains("x1y2z3"))
        let unknown = try await cli.run("datasource", "create", "warp", "fast")
        #expect(unknown.status != 0)

        let deleted = try await cli.run("datasource", "delete", "feed")
        #expect(deleted.status == 0, "\(deleted.standardError)")
        #expect(try await HTTPClient(server).get("/v1/data-sources/feed").status == 404)
        let names = try await cli.json("datasource", "list").arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["simulated"])
    }

    @Test("datasource tables, rows and status")
    func tablesAndRows() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let cli = CongressClient(server)
        #expect(try await cli.run("datasource", "create", "push", "feed", "--config", "tables=t:a;b").status == 0)

        let updated = try await cli.run("datasource", "row", "update", "feed", "t", #"[["x", 1], ["y", 2]]"#)
        #expect(updated.status == 0, "\(updated.standardError)")
        #expect(updated.standardOutput.isEmpty)

        let rows = try await cli.json("datasource", "row", "list", "feed", "t")
        let pairs = Set(
            rows.arrayValue?.compactMap { row in row["a"]?.stringValue.map { "\($0)=\(row["b"]?.intValue ?? -1)" } }
                ?? [])
        #expect(pairs == ["x=1", "y=2"])

        let replaced = try await cli.run("datasource", "row", "update", "feed", "t", #"[["z", 3]]"#)
        #expect(replaced.status == 0)
        #expect(try await cli.json("datasource", "row", "list", "feed", "t") == [["a": "z", "b": 3]])
        let bad = try await cli.run("datasource", "row", "update", "feed", "t", #"[["only one column"]]"#)
        #expect(bad.status != 0)
        #expect(try await cli.json("datasource", "row", "list", "feed", "t") == [["a": "z", "b": 3]])

        #expect(try await cli.json("datasource", "table", "list", "feed") == [["id": "t"]])
        #expect(try await cli.json("datasource", "table", "show", "feed", "t") == ["id": "t"])
        #expect(try await cli.run("datasource", "table", "show", "feed", "nosuch").status != 0)
        let columns = try await cli.json("datasource", "table", "schema", "show", "feed", "t")
        #expect(columns.arrayValue?.compactMap { $0["name"]?.stringValue } == ["a", "b"])

        let status = try await cli.json("datasource", "status", "show", "feed")
        #expect(status["initialized"] == "True")
        #expect(status["last_error"] == "None")
        #expect(status["number_of_updates"]?.stringValue != nil)

        let servers = try await cli.json("datasource", "row", "list", "simulated", "nova:servers")
        #expect(servers.arrayValue?.count == 6)
        let web = servers.arrayValue?.first { $0["name"] == "web-1" }
        #expect(web?["status"] == "ACTIVE")
    }

    @Test("actions and schema commands")
    func actionsAndSchemas() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let cli = CongressClient(server)
        let http = HTTPClient(server)
        #expect(try await cli.run("datasource", "create", "push", "feed", "--config", "tables=t:a;b").status == 0)

        let actions = try await cli.run("datasource", "actions", "show", "simulated")
        Self.expectClientFormattingFailure(actions)
        let actionReply = try await http.curl("GET", "/v1/data-sources/simulated/actions", body: nil, contentType: nil)
        #expect(actionReply.status == 200)
        let quarantine = actionReply.results.first { $0["name"] == "agora:quarantine" }
        #expect(quarantine?["args"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["vm", "source_ip"])

        let schema = try await cli.run("datasource", "schema", "show", "feed")
        Self.expectClientFormattingFailure(schema)
        let schemaReply = try await http.curl("GET", "/v1/data-sources/feed/schema", body: nil, contentType: nil)
        #expect(schemaReply.status == 200)
        #expect(
            schemaReply.json["tables"] == [
                [
                    "table_id": "t",
                    "columns": [["name": "a", "description": "None"], ["name": "b", "description": "None"]],
                ]
            ])

        let driverSchema = try await cli.run("driver", "schema", "show", "nova")
        Self.expectClientFormattingFailure(driverSchema)
        let driverReply = try await http.curl("GET", "/v1/system/drivers/nova", body: nil, contentType: nil)
        #expect(driverReply.status == 200)
        let servers = driverReply.json["tables"]?.arrayValue?.first { $0["table_id"] == "servers" }
        #expect(servers?["columns"]?.arrayValue?.first?["name"] == "id")
    }

    @Test("driver list and config")
    func drivers() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let cli = CongressClient(server)

        let listed = try await cli.json("driver", "list")
        let ids = Set(listed.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        #expect(ids.isSuperset(of: ["push", "ids", "blocklist", "nova", "neutronv2", "simulated"]))
        #expect(listed.arrayValue?.allSatisfy { $0["description"]?.stringValue?.isEmpty == false } == true)

        let push = try await cli.json("driver", "config", "show", "push")
        #expect(push["id"] == "push")
        #expect(push["config"] == ["tables": "required"])
        #expect(push["tables"] == nil)
        #expect(try await cli.run("driver", "config", "show", "warp").status != 0)
    }

    /// Checks that a command failed in the client's own output formatting, after the request.
    static func expectClientFormattingFailure(_ output: CongressClient.Output) {
        #expect(output.status != 0)
        #expect(output.standardError.contains("iteritems"), "\(output.standardError)")
    }
}
