import Foundation
import OpenStack
import Testing

/// Library policies and policies made from them, over HTTP against a real `agora serve`.
@Suite("HTTP API: library policies")
struct LibraryHTTPTests {
    static let sample: JSON = [
        "name": "open_ports", "description": "servers with a port up", "kind": "nonrecursive",
        "rules": [["rule": "up(p) :- neutronv2:ports(id=p, status=\"ACTIVE\")", "name": "up", "comment": "live"]],
    ]

    @Test("library create, show, replace, delete")
    func lifecycle() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)

        let bundled = try await client.get("/v1/librarypolicies")
        #expect(bundled.results.contains { $0["name"] == "compromised_vm" })

        let created = try await client.post("/v1/librarypolicies", Self.sample)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"]?.stringValue)
        #expect(created.headers["location"] == "/v1/librarypolicies/\(id)")
        #expect(created.json["abbreviation"] == "open_")
        #expect(created.json["rules"]?.arrayValue?.count == 1)

        let shown = try await client.get("/v1/librarypolicies/\(id)")
        #expect(shown.json == created.json)
        let withoutRules = try await client.get("/v1/librarypolicies/\(id)?include_rules=false")
        #expect(withoutRules.json["rules"] == nil)
        #expect(withoutRules.json["name"] == "open_ports")
        let byName = try await client.get("/v1/librarypolicies?name=open_ports")
        #expect(byName.results.count == 1)
        #expect(try await client.get("/v1/librarypolicies?name=nosuch").results.isEmpty)

        // Congress routed PUT to a handler that returned 501. Agora replaces the library policy.
        var replacement = Self.sample.objectValue!
        replacement["description"] = "replaced"
        replacement["rules"] = [["rule": "down(p) :- neutronv2:ports(id=p, status=\"DOWN\")"]]
        let replaced = try await client.put("/v1/librarypolicies/\(id)", .object(replacement))
        #expect(replaced.status == 200, "\(replaced.text)")
        #expect(replaced.json["id"] == .string(id))
        let reread = try await client.get("/v1/librarypolicies/\(id)")
        #expect(reread.json["description"] == "replaced")
        #expect(reread.json["rules"]?.arrayValue?.first?["rule"] == "down(p) :- neutronv2:ports(id=p, status=\"DOWN\")")
        #expect(try await client.put("/v1/librarypolicies/nosuch", Self.sample).status == 404)

        let deleted = try await client.delete("/v1/librarypolicies/\(id)")
        #expect(deleted.status == 200)
        #expect(deleted.json["name"] == "open_ports")
        #expect(try await client.get("/v1/librarypolicies/\(id)").status == 404)
        #expect(try await client.delete("/v1/librarypolicies/\(id)").status == 404)
    }

    @Test("bad library requests change nothing")
    func rejectedRequests() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        let created = try await client.post("/v1/librarypolicies", Self.sample)
        let id = try #require(created.json["id"]?.stringValue)
        let before = try await StoredState.read(client)

        let cases: [(name: String, body: String, status: Int)] = [
            ("malformed JSON", #"{"name": "x", "rules": ["#, 400),
            ("body a list", #"[]"#, 400),
            ("no name", #"{"rules": []}"#, 400),
            ("no rules", #"{"name": "x"}"#, 400),
            ("rules an object", #"{"name": "x", "rules": {}}"#, 400),
            ("rule without text", #"{"name": "x", "rules": [{"name": "r"}]}"#, 400),
            ("invalid name", #"{"name": "x y", "rules": []}"#, 400),
            ("abbreviation too long", #"{"name": "x", "abbreviation": "sixsix", "rules": []}"#, 400),
            ("user-chosen id", #"{"id": "mine", "name": "x", "rules": []}"#, 400),
            ("duplicate name", #"{"name": "open_ports", "rules": []}"#, 409),
        ]
        for item in cases {
            let result = try await client.send("POST", "/v1/librarypolicies", text: item.body)
            #expect(result.status == item.status, "\(item.name): \(result.text)")
            #expect(!result.errorMessage.isEmpty, "\(item.name)")
        }
        for item in cases where item.name != "user-chosen id" && item.name != "duplicate name" {
            let result = try await client.send("PUT", "/v1/librarypolicies/\(id)", text: item.body)
            #expect(result.status == 400, "PUT \(item.name): \(result.text)")
        }
        #expect(try await StoredState.read(client) == before)
    }

    @Test("policy from a library policy")
    func activate() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        let library = try await client.post("/v1/librarypolicies", Self.sample)
        let id = try #require(library.json["id"]?.stringValue)

        // python-congressclient and tempest send no body, `null` or `{}`, so all three must work.
        let made = try await client.send("POST", "/v1/policies?library_policy=\(id)", body: Data("null".utf8))
        #expect(made.status == 201, "\(made.text)")
        #expect(made.json["name"] == "open_ports")
        #expect(made.json["rules"]?.arrayValue?.count == 1)
        let rules = try await client.get("/v1/policies/open_ports/rules")
        #expect(rules.results.first?["name"] == "up")
        #expect(rules.results.first?["comment"] == "live")
        let up = try await client.get("/v1/policies/open_ports/tables/up/rows")
        #expect(up.status == 200)
        #expect(!up.results.isEmpty)

        #expect(try await client.delete("/v1/policies/open_ports").status == 200)
        #expect(try await client.post("/v1/policies?library_policy=\(id)", [:]).status == 201)
        #expect(try await client.delete("/v1/policies/open_ports").status == 200)
        #expect(try await client.send("POST", "/v1/policies?library_policy=\(id)").status == 201)

        let before = try await StoredState.read(client)
        let again = try await client.post("/v1/policies?library_policy=\(id)", [:])
        #expect(again.status == 409)
        let unknown = try await client.post("/v1/policies?library_policy=nosuch", [:])
        #expect(unknown.status == 404)
        let withBody = try await client.post("/v1/policies?library_policy=\(id)", ["name": "other"])
        #expect(withBody.status == 400)
        #expect(try await StoredState.read(client) == before)
    }
}
