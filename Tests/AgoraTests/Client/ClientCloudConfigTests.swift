import Foundation
import LiveCloudSupport
import Testing

@Suite(.serialized) struct ClientCloudConfigTests {
    /// Writes a clouds.yaml with one cloud named `agora-test` and returns its path.
    static func cloudsFile(in directory: URL, _ entry: String) throws -> String {
        let file = directory.appendingPathComponent("clouds.yaml")
        try "clouds:\n  agora-test:\n\(entry)".write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func osCloudWithFixedToken() async throws {
        let server = try await AgoraServerProcess(auth: "token")
        defer { server.stop() }
        let clouds = try Self.cloudsFile(
            in: server.dataDirectory,
            """
                auth_type: admin_token
                auth:
                  token: \(server.adminToken)
                policy_endpoint_override: \(server.url)

            """)

        // No --url and no AGORA_URL: the address is the cloud's policy endpoint.
        let listed = try ClientRun.agora(
            ["policy", "list", "--os-cloud", "agora-test"], url: nil, extra: ["OS_CLIENT_CONFIG_FILE": clouds])
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(listed.standardOutput.contains("classification"))

        let unknown = try ClientRun.agora(
            ["policy", "list", "--os-cloud", "no-such-cloud"], url: nil, extra: ["OS_CLIENT_CONFIG_FILE": clouds])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("no-such-cloud"))
    }

    /// A password login against the real Keystone of the test cloud (`make openstack`). The
    /// server runs without auth, so any token Keystone issues is accepted; the catalog's policy
    /// endpoint is port 1789, which tests leave alone, so `--url` names the test server.
    @Test(
        .enabled(if: KeystoneServer.isUp, "Keystone is not running on 127.0.0.1:5000; start it with `make openstack`"))
    func passwordLoginWithRealKeystone() async throws {
        let server = try await AgoraServerProcess(auth: "noauth")
        defer { server.stop() }
        let login = [
            "OS_AUTH_URL": "http://127.0.0.1:5000/v3", "OS_USERNAME": "admin", "OS_USER_DOMAIN_NAME": "Default",
            "OS_PROJECT_NAME": "admin", "OS_PROJECT_DOMAIN_NAME": "Default",
        ]

        let listed = try ClientRun.agora(
            ["policy", "list"], url: server.url, extra: login.merging(["OS_PASSWORD": "secret"]) { $1 })
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(listed.standardOutput.contains("classification"))

        let rejected = try ClientRun.agora(
            ["policy", "list"], url: server.url, extra: login.merging(["OS_PASSWORD": "not-the-password"]) { $1 })
        #expect(rejected.status == 1, "\(rejected.standardError)")
        #expect(rejected.standardError.contains("Keystone rejected the login"))
        #expect(!rejected.standardError.contains("not-the-password"))
    }

    @Test func unreachableKeystoneExitsThree() throws {
        let keystone = "http://127.0.0.1:\(try AgoraServerProcess.freePort())/v3"
        let result = try ClientRun.agora(
            ["policy", "list"], url: nil,
            extra: [
                "OS_AUTH_URL": keystone, "OS_USERNAME": "admin", "OS_PASSWORD": "secret",
                "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_NAME": "admin", "OS_PROJECT_DOMAIN_NAME": "Default",
            ])
        #expect(result.status == 3, "\(result.standardError)")
        #expect(result.standardError.contains("cannot reach Keystone"))
        #expect(!result.standardError.contains("secret"))
    }
}

/// Whether the test cloud's Keystone answers on 127.0.0.1:5000.
enum KeystoneServer {
    static let isUp = HTTPProbe.status(URL(string: "http://127.0.0.1:5000/v3")!) == 200
}
