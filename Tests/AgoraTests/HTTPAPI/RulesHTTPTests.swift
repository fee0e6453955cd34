import Foundation
import OpenStack
import Testing

/// Rules, tables, rows, simulate and explain of one policy, over HTTP against a real
/// `agora serve` with the simulated cloud.
@Suite("HTTP API: rules and tables")
struct RulesHTTPTests {
    @Test("rule create, show, list, delete")
    func lifecycle() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "web"]).status == 201)

        let text = "active(x) :- nova:servers(id=x, status=\"ACTIVE\"), not paused(x)"
        let created = try await client.post(
            "/v1/policies/web/rules", ["rule": .string(text), "name": "active", "comment": "running servers"])
        #expect(created.status == 201)
        let id = try #require(created.json["id"]?.stringValue)
        #expect(created.headers["location"] == "/v1/policies/web/rules/\(id)")
        #expect(created.json["rule"] == "active(x) :-\n  nova:servers(id=x, status=\"ACTIVE\"),\n  not paused(x)")
        #expect(created.json["name"] == "active")
        #expect(created.json["comment"] == "running servers")

        let listed = try await client.get("/v1/policies/web/rules")
        #expect(listed.status == 200)
        #expect(listed.results.count == 1)
        #expect(listed.results.first?["rule"] == .string(text))
        #expect(listed.results.first?["id"] == .string(id))

        let shown = try await client.get("/v1/policies/web/rules/\(id)")
        #expect(shown.json["rule"] == .string(text))
        let status = try await client.get("/v1/policies/web/rules/\(id)/status")
        #expect(status.json["original_str"] == .string(text))

        // The policy id works in place of its name.
        let policyID = try #require(try await client.get("/v1/policies/web").json["id"]?.stringValue)
        #expect(try await client.get("/v1/policies/\(policyID)/rules/\(id)").json["id"] == .string(id))

        let deleted = try await client.delete("/v1/policies/web/rules/\(id)")
        #expect(deleted.status == 200)
        #expect(deleted.json["id"] == .string(id))
        #expect(try await client.get("/v1/policies/web/rules").results.isEmpty)
        #expect(try await client.get("/v1/policies/web/rules/\(id)").status == 404)
        #expect(try await client.delete("/v1/policies/web/rules/\(id)").status == 404)
        #expect(try await client.get("/v1/policies/nosuch/rules").status == 404)
        #expect(try await client.post("/v1/policies/nosuch/rules", ["rule": "p(1)"]).status == 404)
    }

    @Test("rule syntax errors name line and column")
    func syntaxErrors() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "strict"]).status == 201)
        #expect(try await client.post("/v1/policies/strict/rules", ["rule": "known(1)"]).status == 201)
        let before = try await StoredState.read(client)

        let cases: [(rule: String, line: Int64, column: Int64)] = [
            ("q(x) :- nova:servers(id=x", 1, 26),
            ("q(x) :-\n  p(x),\n  r(x", 3, 6),
            ("q(x) :- p(x),", 1, 14),
        ]
        for item in cases {
            let result = try await client.post("/v1/policies/strict/rules", ["rule": .string(item.rule)])
            #expect(result.status == 400, "\(item.rule): \(result.text)")
            #expect(result.errorCode == 1002, "\(item.rule)")
            #expect(result.errorMessage.hasPrefix("Syntax error for rule::"), "\(item.rule): \(result.errorMessage)")
            let data = result.json["error"]?["error_data"]
            #expect(data?["kind"] == "parse", "\(item.rule): \(result.text)")
            #expect(data?["line"]?.intValue == item.line, "\(item.rule): \(result.text)")
            #expect(data?["column"]?.intValue == item.column, "\(item.rule): \(result.text)")
            #expect(data?["text"] == .string(item.rule), "\(item.rule)")
        }
        #expect(try await StoredState.read(client) == before)
    }

    @Test("invalid rules are rejected and change nothing")
    func invalidRules() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "strict"]).status == 201)
        #expect(try await client.post("/v1/policies/strict/rules", ["rule": "p(x) :- q(x)"]).status == 201)
        let before = try await StoredState.read(client)

        let cases: [(name: String, body: String, status: Int, code: Int64)] = [
            ("unsafe head variable", #"{"rule": "p(x) :- q(y)"}"#, 400, 1002),
            ("unsafe negation", #"{"rule": "s(x) :- q(x), not r(y)"}"#, 400, 1002),
            ("arity differs from existing", #"{"rule": "p(x, y) :- q(x), q(y)"}"#, 400, 1002),
            ("empty rule", #"{"rule": ""}"#, 400, 1002),
            ("rule missing", #"{"name": "r"}"#, 400, 1002),
            ("rule a number", #"{"rule": 42}"#, 400, 1002),
            ("two rules", #"{"rule": "a(1) b(2)"}"#, 400, 1003),
            ("same rule again", #"{"rule": "p(x) :- q(x)"}"#, 409, 1008),
            ("malformed JSON", #"{"rule": "p(1)""#, 400, 400),
            ("body a string", #""p(1)""#, 400, 400),
        ]
        for item in cases {
            let result = try await client.send("POST", "/v1/policies/strict/rules", text: item.body)
            #expect(result.status == item.status, "\(item.name): \(result.text)")
            #expect(result.errorCode == item.code, "\(item.name): \(result.text)")
            #expect(!result.errorMessage.isEmpty, "\(item.name)")
        }
        let wrongType = try await client.send(
            "POST", "/v1/policies/strict/rules", text: #"{"rule": "z(1)"}"#, contentType: "text/yaml")
        #expect(wrongType.status == 400)
        #expect(try await StoredState.read(client) == before)
    }

    @Test("rule body size limit")
    func bodyLimit() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "wide"]).status == 201)

        // 256 body literals are accepted; one more is rejected before it reaches the engine.
        func rule(_ literals: Int) -> JSON {
            .string("p\(literals)(x) :- " + (0..<literals).map { "q\($0)(x)" }.joined(separator: ", "))
        }
        #expect(try await client.post("/v1/policies/wide/rules", ["rule": rule(256)]).status == 201)
        let before = try await StoredState.read(client)
        let tooWide = try await client.post("/v1/policies/wide/rules", ["rule": rule(257)])
        #expect(tooWide.status == 400, "\(tooWide.text.prefix(300))")
        #expect(tooWide.errorMessage.contains("257 body literals"), "\(tooWide.errorMessage)")
        let inPolicy = try await client.post("/v1/policies", ["name": "wide2", "rules": [["rule": rule(20_000)]]])
        #expect(inPolicy.status == 400)
        #expect(try await StoredState.read(client) == before)
    }

    @Test("tables and rows of a policy")
    func tablesAndRows() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "inventory"]).status == 201)
        let rule = "web_server(x, name) :- nova:servers(id=x, name=name), nova:servers(id=x, status=\"ACTIVE\")"
        #expect(try await client.post("/v1/policies/inventory/rules", ["rule": .string(rule)]).status == 201)
        #expect(try await client.post("/v1/policies/inventory/rules", ["rule": "fact(1, \"one\")"]).status == 201)

        let tables = try await client.get("/v1/policies/inventory/tables")
        let ids = Set(tables.results.compactMap { $0["id"]?.stringValue })
        #expect(ids == ["fact", "nova:servers", "web_server"])
        #expect(try await client.get("/v1/policies/inventory/tables/fact").json == ["id": "fact"])
        #expect(try await client.get("/v1/policies/inventory/tables/missing").status == 404)
        #expect(try await client.get("/v1/policies/inventory/tables/missing/rows").status == 404)

        #expect(try await client.get("/v1/policies/inventory/tables/fact/rows").results == [["data": [1, "one"]]])
        let servers = try await client.get("/v1/policies/inventory/tables/web_server/rows")
        let names = Set(servers.results.compactMap { $0["data"]?.arrayValue?.last?.stringValue })
        #expect(names == ["web-1", "web-2", "db-1", "db-2", "bastion", "fw-1"])

        let traced = try await client.get("/v1/policies/inventory/tables/fact/rows?trace=true")
        #expect(traced.json["trace"]?.stringValue != nil)
        #expect(try await client.get("/v1/policies/inventory/tables/fact/rows").json["trace"] == nil)
        #expect(try await client.post("/v1/policies/inventory/tables", [:]).status == 501)
    }

    @Test("simulate and explain")
    func simulateAndExplain() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "what_if"]).status == 201)
        #expect(
            try await client.post("/v1/policies/what_if/rules", ["rule": "big(x) :- size(x, n), gt(n, 10)"]).status
                == 201)
        #expect(try await client.post("/v1/policies/what_if/rules", ["rule": "size(\"a\", 20)"]).status == 201)

        let body: JSON = ["query": "big(x)", "sequence": "size+(\"b\", 30)", "action_policy": "action"]
        let simulated = try await client.post("/v1/policies/what_if?action=simulate", body)
        #expect(simulated.status == 200, "\(simulated.text)")
        #expect(simulated.json["result"] == ["big(\"a\")", "big(\"b\")"])
        #expect(simulated.json["trace"] == nil)

        let delta = try await client.post("/v1/policies/what_if?action=simulate&delta=true&trace=true", body)
        #expect(delta.json["result"] == ["big+(\"b\")"])
        #expect(delta.json["trace"]?.stringValue != nil)

        // Simulation leaves the stored policy and its rows as they were.
        #expect(try await client.get("/v1/policies/what_if/tables/big/rows").results == [["data": ["a"]]])

        let badSequence: JSON = ["query": "big(x)", "sequence": "size+(", "action_policy": "action"]
        let rejected = try await client.post("/v1/policies/what_if?action=simulate", badSequence)
        #expect(rejected.status == 400, "\(rejected.text)")

        let explained = try await client.get("/v1/policies/what_if/explain?query=big(x)")
        #expect(explained.status == 200)
        let answer = try #require(explained.results.first)
        #expect(answer["answer"] == "big(\"a\")")
        #expect(answer["proof"]?["basis"] == "rule")
        #expect(answer["proof"]?["children"]?.arrayValue?.isEmpty == false)
        #expect(try await client.get("/v1/policies/what_if/explain").status == 400)
        #expect(try await client.get("/v1/policies/what_if/explain?query=big(").status == 400)
    }
}
