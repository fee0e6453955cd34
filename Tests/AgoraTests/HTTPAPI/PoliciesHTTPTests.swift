import Foundation
import OpenStack
import Testing

/// Policies, versions and the request checks every endpoint shares, over HTTP against a real
/// `agora serve`.
@Suite("HTTP API: policies")
struct PoliciesHTTPTests {
    @Test("versions at / and /v1")
    func versions() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)

        let root = try await client.get("/")
        #expect(root.status == 200)
        #expect(root.headers["content-type"] == "application/json; charset=UTF-8")
        let version = root.json["versions"]?.arrayValue?.first
        #expect(version?["id"] == "v1")
        #expect(version?["status"] == "CURRENT")

        let v1 = try await client.get("/v1")
        #expect(v1.status == 200)
        #expect(v1.json["version"]?["id"] == "v1")

        let other = try await client.get("/v2/anything")
        #expect(other.status == 300)
        #expect(other.json["choices"]?.arrayValue?.count == 1)

        let unknown = try await client.get("/v1/no-such-resource")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == 404)
    }

    @Test("policy create, show, list, delete")
    func lifecycle() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)

        let created = try await client.post(
            "/v1/policies", ["name": "web_rules", "description": "web tier", "abbreviation": nil, "kind": nil])
        #expect(created.status == 201)
        let id = try #require(created.json["id"]?.stringValue)
        #expect(created.headers["location"] == "/v1/policies/\(id)")
        #expect(created.json["name"] == "web_rules")
        #expect(created.json["abbreviation"] == "web_r")
        #expect(created.json["kind"] == "nonrecursive")
        #expect(created.json["owner_id"] == "user")
        #expect(created.json["description"] == "web tier")

        let byName = try await client.get("/v1/policies/web_rules")
        let byID = try await client.get("/v1/policies/\(id)")
        #expect(byName.status == 200)
        #expect(byID.json == byName.json)
        #expect(try await client.get("/v1/policies/web_rules/status").json == ["name": "web_rules", "id": .string(id)])

        let names = try await client.get("/v1/policies").results.compactMap { $0["name"]?.stringValue }
        #expect(Set(names) == ["action", "classification", "web_rules"])

        let duplicate = try await client.post("/v1/policies", ["name": "web_rules"])
        #expect(duplicate.status == 409)

        let deleted = try await client.delete("/v1/policies/\(id)")
        #expect(deleted.status == 200)
        #expect(deleted.json["name"] == "web_rules")
        #expect(try await client.get("/v1/policies/web_rules").status == 404)
        #expect(try await client.delete("/v1/policies/web_rules").status == 404)

        let system = try await client.delete("/v1/policies/classification")
        #expect(system.status == 404)
        #expect(try await client.get("/v1/policies/classification").status == 200)
    }

    @Test("policy create with rules in one request")
    func createWithRules() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)

        let body: JSON = [
            "name": "bundle",
            "rules": [
                ["rule": "p(x) :- q(x)", "name": "first", "comment": "copy"],
                ["rule": "q(1)"],
            ],
        ]
        let created = try await client.post("/v1/policies", body)
        #expect(created.status == 201)
        #expect(created.json["rules"]?.arrayValue?.count == 2)
        let rows = try await client.get("/v1/policies/bundle/tables/p/rows")
        #expect(rows.results == [["data": [1]]])

        // One bad rule rejects the whole policy: neither the policy nor its good rule is kept.
        let before = try await StoredState.read(client)
        let broken: JSON = ["name": "broken", "rules": [["rule": "p(x) :- q(x)"], ["rule": "p(x :-"]]]
        let rejected = try await client.post("/v1/policies", broken)
        #expect(rejected.status == 400)
        #expect(rejected.errorCode == 1002)
        #expect(try await StoredState.read(client) == before)
    }

    @Test("bad policy requests change nothing")
    func rejectedRequests() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "kept", "rules": [["rule": "k(1)"]]]).status == 201)
        let before = try await StoredState.read(client)

        let cases: [(name: String, text: String, status: Int, message: String)] = [
            ("malformed JSON", #"{"name": "x","#, 400, "Failed to parse body as application/json"),
            ("JSON list", #"["x"]"#, 400, "must be a JSON object"),
            ("name a number", #"{"name": 5}"#, 400, "Input policy item violates schema"),
            ("kind a list", #"{"name": "y", "kind": []}"#, 400, "Input policy item violates schema"),
            ("rules an object", #"{"name": "y", "rules": {}}"#, 400, "Input policy item violates schema"),
            ("rule without text", #"{"name": "y", "rules": [{"name": "r"}]}"#, 400, "violates schema"),
            ("no name", #"{"description": "d"}"#, 400, "A name must be provided"),
            ("name with a space", #"{"name": "bad name"}"#, 400, "Invalid policy name"),
            ("name with a colon", #"{"name": "nova:servers"}"#, 400, "Invalid policy name"),
            ("name starting with a digit", #"{"name": "1abc"}"#, 400, "Invalid policy name"),
            ("empty name", #"{"name": ""}"#, 400, "A name must be provided"),
            ("unknown kind", #"{"name": "y", "kind": "quantum"}"#, 400, "Invalid policy kind 'quantum'"),
            ("abbreviation too long", #"{"name": "y", "abbreviation": "toolong"}"#, 400, "5 characters"),
            ("user-chosen id", #"{"name": "y", "id": "abc"}"#, 400, "An ID may not be provided"),
            ("duplicate name", #"{"name": "kept"}"#, 409, "A policy named kept already exists"),
        ]
        for item in cases {
            let result = try await client.send("POST", "/v1/policies", text: item.text)
            #expect(result.status == item.status, "\(item.name): \(result.text)")
            #expect(result.errorMessage.contains(item.message), "\(item.name): \(result.errorMessage)")
            #expect(result.json["error"]?["error_code"] != nil, "\(item.name): no error_code in \(result.text)")
        }

        let wrongType = try await client.send(
            "POST", "/v1/policies", text: #"{"name": "z"}"#, contentType: "text/plain")
        #expect(wrongType.status == 400)
        #expect(wrongType.errorMessage == "Unsupported Content-Type; must be 'application/json'")

        let formType = try await client.curl(
            "POST", "/v1/policies", body: #"{"name": "z"}"#, contentType: "application/x-www-form-urlencoded")
        #expect(formType.status == 400)

        #expect(try await StoredState.read(client) == before)

        // Without a Content-Type the body still reads as JSON, as Congress accepted it.
        let untyped = try await client.curl("POST", "/v1/policies", body: #"{"name": "untyped"}"#, contentType: nil)
        #expect(untyped.status == 201, "\(untyped.text)")
    }

    @Test("oversized body is rejected with 413")
    func oversizedBody() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        let before = try await StoredState.read(client)

        // The default limit is 10 MiB (`max_body_bytes`).
        let name = String(repeating: "a", count: 11 * 1024 * 1024)
        let result = try await client.post("/v1/policies", ["name": .string(name)])
        #expect(result.status == 413)
        #expect(result.errorMessage.contains("exceeds the limit"), "\(result.text)")
        #expect(result.errorCode == 413, "\(result.text)")
        #expect(try await StoredState.read(client) == before)

        // The server still serves the next request after it cut the large one off.
        #expect(try await client.get("/v1/policies").status == 200)
    }

    @Test("RPC calls on a policy element")
    func policyActions() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "calls"]).status == 201)
        let before = try await StoredState.read(client)

        let missing = try await client.post("/v1/policies/calls", [:])
        #expect(missing.status == 400)
        #expect(missing.errorMessage == "Missing required action parameter.")

        let twice = try await client.post("/v1/policies/calls?action=simulate&action=simulate", [:])
        #expect(twice.status == 400)
        #expect(twice.errorMessage == "Action parameter may not be provided multiple times.")

        #expect(try await client.post("/v1/policies/calls?action=no_such_call", [:]).status == 501)

        let incomplete = try await client.post("/v1/policies/calls?action=simulate", ["query": "p(x)"])
        #expect(incomplete.status == 400)
        #expect(incomplete.errorCode == 1004)

        let badName = try await client.post("/v1/policies/calls?action=execute", ["name": "no_colon"])
        #expect(badName.status == 400)
        #expect(badName.errorCode == 1017)

        let badArgs = try await client.post("/v1/policies/calls?action=execute", ["name": "nova:pause", "args": [1]])
        #expect(badArgs.status == 400)
        #expect(badArgs.errorCode == 1018)

        #expect(try await client.send("PATCH", "/v1/policies/calls", body: Data("{}".utf8)).status == 501)
        #expect(try await StoredState.read(client) == before)
    }

    @Test("policy mode")
    func mode() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "moded"]).status == 201)

        let changed = try await client.put("/v1/policies/moded/mode", ["mode": "enforce"])
        #expect(changed.status == 200)
        #expect(changed.json["mode"] == "enforce")
        #expect(try await client.get("/v1/policies/moded").json["mode"] == "enforce")

        for body: JSON in [["mode": "loud"], ["mode": 3], [:]] {
            let rejected = try await client.put("/v1/policies/moded/mode", body)
            #expect(rejected.status == 400, "\(body.text): \(rejected.text)")
        }
        #expect(try await client.get("/v1/policies/moded").json["mode"] == "enforce")
        #expect(try await client.put("/v1/policies/nosuch/mode", ["mode": "enforce"]).status == 404)
    }
}
