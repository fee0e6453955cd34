import Foundation
import OpenStack
import Testing

/// `agora serve --auth token`: API keys, roles and the key management API.
@Suite("HTTP API: token authentication")
struct TokenAuthHTTPTests {
    @Test("requests without a valid key get 401")
    func unauthenticated() async throws {
        let server = try await AgoraProcess.start(auth: "token")
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let admin = HTTPClient(server)
        let adminToken = try #require(server.adminToken)
        #expect(adminToken.hasPrefix("agora_"))

        for token in [nil, "", "agora_not-a-key", adminToken + "x"] {
            let client = admin.with(token: token)
            for path in ["/v1/policies", "/v1/incidents", "/v1/data-sources", "/v1/tokens", "/v1/whoami"] {
                let result = try await client.get(path)
                #expect(result.status == 401, "\(path) with \(token ?? "no token"): \(result.text)")
                #expect(result.errorCode == 401, "\(path)")
                #expect(result.errorMessage.contains("X-Auth-Token"), "\(path)")
            }
            let write = try await client.post("/v1/policies", ["name": "sneaky"])
            #expect(write.status == 401)
        }
        let events = try await admin.with(token: nil).curl("GET", "/v1/events", body: nil, contentType: nil)
        #expect(events.status == 401)
        #expect(try await admin.with(token: nil).get("/healthz").status == 200)

        #expect(try await admin.get("/v1/policies/sneaky").status == 404)
        let whoami = try await admin.get("/v1/whoami")
        #expect(whoami.status == 200)
        #expect(whoami.json["roles"] == ["admin"])
        #expect(whoami.json["user"] == "admin")
    }

    @Test("key create, list, revoke")
    func keyLifecycle() async throws {
        let server = try await AgoraProcess.start(auth: "token")
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let admin = HTTPClient(server)

        let created = try await admin.post(
            "/v1/tokens", ["name": "ops-a", "role": "operator", "project_id": "project-a"])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"]?.stringValue)
        let plaintext = try #require(created.json["token"]?.stringValue)
        #expect(plaintext.hasPrefix("agora_"))
        #expect(created.headers["location"] == "/v1/tokens/\(id)")
        #expect(created.json["role"] == "operator")
        #expect(created.json["project_id"] == "project-a")

        let operatorClient = admin.with(token: plaintext)
        let whoami = try await operatorClient.get("/v1/whoami")
        #expect(whoami.json["user"] == "ops-a")
        #expect(whoami.json["roles"] == ["operator"])
        #expect(whoami.json["project_id"] == "project-a")
        #expect(whoami.json["projects"] == ["project-a"])

        let listed = try await admin.get("/v1/tokens")
        #expect(listed.status == 200)
        #expect(Set(listed.results.compactMap { $0["name"]?.stringValue }) == ["admin", "ops-a"])
        #expect(listed.results.allSatisfy { $0["token"] == nil })
        #expect(!listed.text.contains(plaintext))
        #expect(listed.results.first { $0["id"] == .string(id) }?["last_used_at"]?.stringValue != nil)
        #expect(try await admin.get("/v1/tokens/\(id)").json["token"] == nil)

        #expect(try await operatorClient.get("/v1/tokens").status == 403)
        #expect(try await operatorClient.post("/v1/tokens", ["name": "x", "role": "admin"]).status == 403)
        #expect(try await operatorClient.delete("/v1/tokens/\(id)").status == 403)

        let revoked = try await admin.delete("/v1/tokens/\(id)")
        #expect(revoked.status == 200)
        #expect(revoked.json["revoked"] == true)
        #expect(try await operatorClient.get("/v1/policies").status == 401)
        #expect(try await admin.delete("/v1/tokens/no-such-key").status == 404)
        #expect(!server.log().contains(plaintext), "the server log contains a key")
    }

    @Test("bad key requests change nothing")
    func rejectedKeys() async throws {
        let server = try await AgoraProcess.start(auth: "token")
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let admin = HTTPClient(server)
        // The admin key's last use may change between the two reads, so it is left out.
        func keys() async throws -> [JSON] {
            try await admin.get("/v1/tokens").results.map { key in
                guard case .object(var fields) = key else { return key }
                fields["last_used_at"] = nil
                return .object(fields)
            }
        }
        let before = try await keys()

        let cases: [(name: String, body: String)] = [
            ("malformed JSON", #"{"name": "x""#),
            ("no name", #"{"role": "admin"}"#),
            ("blank name", #"{"name": "  ", "role": "admin"}"#),
            ("name a number", #"{"name": 1, "role": "admin"}"#),
            ("long name", #"{"name": "\#(String(repeating: "n", count: 201))", "role": "admin"}"#),
            ("no role", #"{"name": "x"}"#),
            ("unknown role", #"{"name": "x", "role": "root"}"#),
            ("operator without a project", #"{"name": "x", "role": "operator"}"#),
            ("viewer with an empty project", #"{"name": "x", "role": "viewer", "project_id": ""}"#),
            ("project a number", #"{"name": "x", "role": "viewer", "project_id": 7}"#),
        ]
        for item in cases {
            let result = try await admin.send("POST", "/v1/tokens", text: item.body)
            #expect(result.status == 400, "\(item.name): \(result.text)")
            #expect(!result.errorMessage.isEmpty, "\(item.name)")
        }
        #expect(try await keys() == before)
    }

    @Test("viewer cannot change anything")
    func viewerIsReadOnly() async throws {
        let server = try await AgoraProcess.start(auth: "token")
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let admin = HTTPClient(server)
        #expect(try await admin.post("/v1/policies", ["name": "guarded", "rules": [["rule": "p(1)"]]]).status == 201)
        let config: JSON = ["tables": "t:a"]
        #expect(
            try await admin.post("/v1/data-sources", ["name": "feed", "driver": "push", "config": config]).status == 201
        )
        let library = try await admin.get("/v1/librarypolicies").results.first?["id"]?.stringValue ?? ""
        let key = try await admin.post("/v1/tokens", ["name": "watcher", "role": "viewer", "project_id": "project-b"])
        let viewer = admin.with(token: try #require(key.json["token"]?.stringValue))
        let before = try await StoredState.read(admin)

        #expect(try await viewer.get("/v1/policies").status == 200)
        #expect(try await viewer.get("/v1/policies/guarded/rules").status == 200)
        #expect(try await viewer.get("/v1/data-sources").status == 200)

        let ruleID = try await admin.get("/v1/policies/guarded/rules").results.first?["id"]?.stringValue ?? ""
        let writes: [(method: String, path: String, body: JSON)] = [
            ("POST", "/v1/policies/guarded/rules", ["rule": "p(2)"]),
            ("DELETE", "/v1/policies/guarded/rules/\(ruleID)", .null),
            ("POST", "/v1/policies", ["name": "mine"]),
            ("DELETE", "/v1/policies/guarded", .null),
            ("PUT", "/v1/policies/guarded/mode", ["mode": "enforce"]),
            ("POST", "/v1/policies/guarded?action=execute", ["name": "nova:pause", "args": [:]]),
            ("POST", "/v1/policies?library_policy=\(library)", .null),
            ("POST", "/v1/data-sources", ["name": "other", "driver": "push", "config": config]),
            ("DELETE", "/v1/data-sources/feed", .null),
            ("PUT", "/v1/data-sources/feed/tables/t/rows", [["x"]]),
            ("POST", "/v1/data-sources/feed?action=request-refresh", [:]),
            ("POST", "/v1/librarypolicies", ["name": "lib", "rules": []]),
            ("PUT", "/v1/librarypolicies/\(library)", ["name": "lib", "rules": []]),
            ("DELETE", "/v1/librarypolicies/\(library)", .null),
            ("POST", "/v1/tokens", ["name": "escalate", "role": "admin"]),
        ]
        for write in writes {
            let body = write.body == .null ? nil : write.body.data
            let result = try await viewer.send(write.method, write.path, body: body)
            #expect(result.status == 403, "\(write.method) \(write.path): \(result.text)")
            #expect(result.errorCode == 403, "\(write.method) \(write.path)")
        }
        #expect(try await StoredState.read(admin) == before)
        #expect(try await admin.get("/v1/data-sources/feed/tables/t/rows").results.isEmpty)
    }
}
