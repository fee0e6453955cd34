import Foundation
import OpenStack
import Testing

/// The policy, rule, row, table, simulate and version commands of python-congressclient
/// against `agora serve`.
@Suite("python-congressclient: policies", .enabled(if: CongressClient.isInstalled))
struct CongressClientPolicyTests {
    @Test("policy create, show, list, delete")
    func policies() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let cli = CongressClient(server)

        let created = try await cli.json(
            "policy", "create", "cli_policy", "--description", "from the CLI", "--kind", "nonrecursive")
        #expect(created["name"] == "cli_policy")
        #expect(created["description"] == "from the CLI")
        #expect(created["abbreviation"] == "cli_p")
        #expect(created["kind"] == "nonrecursive")
        let id = try #require(created["id"]?.stringValue)

        let shown = try await cli.json("policy", "show", "cli_policy")
        #expect(shown["id"] == .string(id))
        #expect(try await cli.json("policy", "show", id)["name"] == "cli_policy")

        let listed = try await cli.json("policy", "list")
        let row = listed.arrayValue?.first { $0["name"] == "cli_policy" }
        #expect(row?["id"] == .string(id))
        #expect(row?["owner_id"] == "user")
        #expect(row?["kind"] == "nonrecursive")
        #expect(row?["description"] == "from the CLI")

        let duplicate = try await cli.run("policy", "create", "cli_policy")
        #expect(duplicate.status != 0)
        #expect(duplicate.standardError.contains("already exists"), "\(duplicate.standardError)")
        let invalid = try await cli.run("policy", "create", "bad name")
        #expect(invalid.status != 0)
        #expect(invalid.standardError.contains("Invalid policy name"), "\(invalid.standardError)")

        let deleted = try await cli.run("policy", "delete", "cli_policy")
        #expect(deleted.status == 0, "\(deleted.standardError)")
        #expect(deleted.standardOutput.isEmpty)
        #expect(try await HTTPClient(server).get("/v1/policies/cli_policy").status == 404)
        let missing = try await cli.run("policy", "delete", "cli_policy")
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("No policy found"), "\(missing.standardError)")
    }

    @Test("policy create-from-file")
    func createFromFile() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let cli = CongressClient(server)
        let document = """
            name: from_file
            description: made from a file
            rules:
              - rule: ok(x) :- nova:servers(id=x)
                name: ok
                comment: every server
              - rule: two(1)
            """
        let file = server.dataDirectory.appendingPathComponent("policy.yaml")
        try document.write(to: file, atomically: true, encoding: .utf8)

        // The client calls yaml.load_all without a Loader, which PyYAML 6 rejects before it
        // sends any request. So curl sends the request the client would send, the YAML
        // document as JSON, and the client reads the result back.
        let crashed = try await cli.run("policy", "create-from-file", file.path)
        if crashed.status != 0 {
            #expect(crashed.standardError.contains("Loader"), "\(crashed.standardError)")
            let body: JSON = [
                "name": "from_file", "description": "made from a file",
                "rules": [
                    ["rule": "ok(x) :- nova:servers(id=x)", "name": "ok", "comment": "every server"],
                    ["rule": "two(1)"],
                ],
            ]
            let result = try await HTTPClient(server).curl(
                "POST", "/v1/policies", body: body.text, contentType: "application/json")
            #expect(result.status == 201, "\(result.text)")
            #expect(result.json["rules"]?.arrayValue?.count == 2)
        }

        let shown = try await cli.json("policy", "show", "from_file")
        #expect(shown["description"] == "made from a file")
        let rules = try await cli.run("policy", "rule", "list", "from_file")
        #expect(
            rules.standardOutput.contains("// Name: ok\n// every server\nok(x) :- nova:servers(id=x)\n"),
            "\(rules.standardOutput)")
        #expect(rules.standardOutput.contains("\ntwo(1)\n"))
    }

    @Test("rule create, show, list, delete")
    func rules() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let cli = CongressClient(server)
        #expect(try await cli.run("policy", "create", "guarded").status == 0)

        let created = try await cli.json(
            "policy", "rule", "create", "guarded", "active(x) :- nova:servers(id=x, status=\"ACTIVE\")", "--name",
            "active",
            "--comment", "running")
        #expect(created["rule"] == "active(x) :-\n  nova:servers(id=x, status=\"ACTIVE\")")
        #expect(created["name"] == "active")
        #expect(created["comment"] == "running")
        let id = try #require(created["id"]?.stringValue)

        #expect(try await cli.json("policy", "rule", "show", "guarded", "active")["id"] == .string(id))
        #expect(try await cli.json("policy", "rule", "show", "guarded", id)["name"] == "active")

        let listed = try await cli.run("policy", "rule", "list", "guarded")
        #expect(listed.status == 0)
        #expect(
            listed.standardOutput.contains("// ID: \(id)\n// Name: active\n// running\n"), "\(listed.standardOutput)")
        #expect(listed.standardOutput.contains("active(x) :- nova:servers(id=x, status=\"ACTIVE\")"))

        let syntax = try await cli.run("policy", "rule", "create", "guarded", "broken(x :-")
        #expect(syntax.status != 0)
        #expect(syntax.standardError.contains("Syntax error for rule"), "\(syntax.standardError)")
        let duplicate = try await cli.run(
            "policy", "rule", "create", "guarded", "active(x) :- nova:servers(id=x, status=\"ACTIVE\")")
        #expect(duplicate.status != 0)
        #expect(duplicate.standardError.contains("Rule already exists"), "\(duplicate.standardError)")

        let deleted = try await cli.run("policy", "rule", "delete", "guarded", "active")
        #expect(deleted.status == 0, "\(deleted.standardError)")
        #expect(try await HTTPClient(server).get("/v1/policies/guarded/rules").results.isEmpty)
    }

    @Test("row, table and simulate commands")
    func rowsTablesSimulate() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let cli = CongressClient(server)
        #expect(try await cli.run("policy", "create", "counted").status == 0)
        #expect(try await cli.run("policy", "rule", "create", "counted", "two(1)").status == 0)
        #expect(
            try await cli.run("policy", "rule", "create", "counted", "named(x, n) :- nova:servers(id=x, name=n)").status
                == 0)

        let rows = try await cli.json("policy", "row", "list", "counted", "two")
        #expect(rows == [["Col0": 1]])
        let servers = try await cli.json("policy", "row", "list", "counted", "named")
        let names = Set(servers.arrayValue?.compactMap { $0["Col1"]?.stringValue } ?? [])
        #expect(names == ["web-1", "web-2", "db-1", "db-2", "bastion", "fw-1"])

        let traced = try await cli.run("policy", "row", "list", "counted", "two", "--trace")
        #expect(traced.status == 0)
        #expect(traced.standardOutput.contains("Col0"))
        #expect(traced.standardOutput.contains("rows of counted:two"), "\(traced.standardOutput)")

        let tables = try await cli.json("policy", "table", "list", "counted")
        #expect(Set(tables.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []) == ["two", "named", "nova:servers"])
        #expect(try await cli.json("policy", "table", "show", "counted", "two") == ["id": "two"])
        #expect(try await cli.run("policy", "table", "show", "counted", "nosuch").status != 0)

        let simulated = try await cli.run("policy", "simulate", "counted", "two(x)", "two+(2)", "action")
        #expect(simulated.status == 0, "\(simulated.standardError)")
        #expect(simulated.standardOutput == "two(1)\ntwo(2)\n")
        let delta = try await cli.run(
            "policy", "simulate", "counted", "two(x)", "two+(2)", "action", "--delta", "--trace")
        #expect(delta.status == 0, "\(delta.standardError)")
        #expect(delta.standardOutput.hasPrefix("two+(2)\n"), "\(delta.standardOutput)")
        #expect(try await cli.json("policy", "row", "list", "counted", "two") == [["Col0": 1]])
    }

    @Test("version list")
    func versions() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let listed = try await CongressClient(server).json("version", "list")
        #expect(listed == [["id": "v1", "status": "CURRENT", "updated": "2013-08-12T17:42:13Z"]])
    }
}
