import Foundation
import LiveCloudSupport
import OpenStack
import Testing

/// `agora serve --auth keystone` against the real Keystone that the OpenStack scripts run on
/// 127.0.0.1:5000, with its two users: `admin` (role admin, project admin) and `demo` (role
/// member, project demo). The tests create no Keystone users, because that Keystone is shared.
@Suite("HTTP API: Keystone authentication", .openStackServersLock, .enabled(if: LocalKeystone.isRunning))
struct KeystoneAuthHTTPTests {
    static let keystone = LocalKeystone.url

    /// Agora's own service user, which validates the callers' tokens.
    static let serviceEnvironment = [
        "OS_AUTH_URL": keystone + "/v3", "OS_USERNAME": "admin", "OS_PASSWORD": "secret", "OS_PROJECT_NAME": "admin",
        "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default", "OS_AUTH_TYPE": "password",
    ]

    /// Gets a project-scoped token for `user` from Keystone.
    static func token(user: String, password: String, project: String) async throws -> String {
        let body: JSON = [
            "auth": [
                "identity": [
                    "methods": ["password"],
                    "password": [
                        "user": ["name": .string(user), "domain": ["name": "Default"], "password": .string(password)]
                    ],
                ],
                "scope": ["project": ["name": .string(project), "domain": ["name": "Default"]]],
            ]
        ]
        let result = try await HTTPClient(baseURL: keystone).post("/v3/auth/tokens", body)
        try #require(result.status == 201, "Keystone refused \(user): \(result.text)")
        return try #require(result.headers["x-subject-token"])
    }

    @Test("roles and projects from Keystone tokens")
    func keystoneRoles() async throws {
        let server = try await AgoraProcess.start(auth: "keystone", environment: Self.serviceEnvironment)
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let admin = HTTPClient(
            baseURL: server.baseURL, token: try await Self.token(user: "admin", password: "secret", project: "admin"))
        let demo = admin.with(token: try await Self.token(user: "demo", password: "demo", project: "demo"))

        for token in [nil, "", "not-a-keystone-token"] {
            let result = try await admin.with(token: token).get("/v1/policies")
            #expect(result.status == 401, "\(token ?? "no token"): \(result.text)")
            #expect(result.errorCode == 401)
        }

        let adminWho = try await admin.get("/v1/whoami")
        #expect(adminWho.status == 200, "\(adminWho.text)")
        #expect(adminWho.json["user"] == "admin")
        #expect(adminWho.json["roles"]?.arrayValue?.contains("admin") == true)
        let demoWho = try await demo.get("/v1/whoami")
        #expect(demoWho.json["user"] == "demo")
        // Keystone's member role implies reader, so demo is an operator and a viewer.
        let demoRoles = demoWho.json["roles"]?.arrayValue ?? []
        #expect(demoRoles.contains("operator"))
        #expect(!demoRoles.contains("admin"))
        let demoProject = try #require(demoWho.json["project_id"]?.stringValue)
        #expect(demoWho.json["projects"] == [.string(demoProject)])

        // The flagged VM lives in the simulated cloud's `web` project, which is not demo's.
        try await CompromisedVMScenario.flagWebServer(admin, mode: "approve")
        let incident = try #require(
            try await CompromisedVMScenario.waitForIncidents(admin, count: 1).first?["id"]?.stringValue)
        #expect(try await demo.get("/v1/incidents").results.isEmpty)
        #expect(try await demo.get("/v1/incidents/\(incident)").status == 404)
        #expect(try await demo.post("/v1/incidents/\(incident)?action=approve", [:]).status == 404)
        #expect(try await demo.get("/v1/policies/compromised_vm/tables/error/rows").results.isEmpty)
        #expect(try await admin.get("/v1/policies/compromised_vm/tables/error/rows").results.count == 1)

        // demo is an operator: its policies belong to its project, data sources need admin, and
        // the administrators' policies are not its to change.
        let own = try await demo.post("/v1/policies", ["name": "demo_policy"])
        #expect(own.status == 201)
        #expect(own.json["owner_id"] == .string(demoProject))
        #expect(try await demo.post("/v1/policies/demo_policy/rules", ["rule": "p(1)"]).status == 201)
        let config: JSON = ["tables": "t:a"]
        #expect(
            try await demo.post("/v1/data-sources", ["name": "d", "driver": "push", "config": config]).status == 403)
        #expect(try await demo.get("/v1/tokens").status == 403)
        #expect(try await admin.post("/v1/policies", ["name": "shared"]).status == 201)
        #expect(try await demo.post("/v1/policies/shared/rules", ["rule": "p(1)"]).status == 403)
        #expect(try await demo.put("/v1/policies/shared/mode", ["mode": "enforce"]).status == 403)
    }
}

/// The Keystone of the OpenStack test servers, when they run.
enum LocalKeystone {
    static let url = "http://127.0.0.1:5000"

    /// Whether Keystone returns 200 on its version URL.
    static let isRunning = KeystoneServer.isUp
}
