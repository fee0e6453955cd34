import Foundation
import Testing

@testable import OpenStack

extension LiveCloud {
    /// Keystone auth against the real Keystone (it runs in both AUTH modes).
    @Suite struct KeystoneSessionTests {
        @Test func passwordProjectScope() async throws {
            let session = try TestCloud.session(TestCloud.adminConfig())
            let token = try #require(try await session.validToken())
            #expect(token.value.count > 20)
            #expect(token.projectID != nil)
            #expect(token.expiresAt > Date())
            #expect(try await session.endpoint(serviceType: "network") == URL(string: "http://127.0.0.1:9696"))
            #expect(try await session.endpoint(serviceType: "compute") == URL(string: "http://127.0.0.1:8774/v2.1"))
        }

        @Test func wrongRegionNamed() async throws {
            var config = TestCloud.adminConfig()
            config.regionName = "NoSuchRegion"
            let session = try TestCloud.session(config)
            await #expect(
                throws: OpenStackError.endpointNotFound(
                    serviceType: "network", interface: "public", region: "NoSuchRegion")
            ) {
                _ = try await session.endpoint(serviceType: "network")
            }
        }

        @Test func internalInterfaceChosen() async throws {
            var config = TestCloud.adminConfig()
            config.interface = "internal"
            let session = try TestCloud.session(config)
            let token = try #require(try await session.validToken())
            let internalEndpoints = token.catalog.endpoints.filter {
                $0.serviceType == "network" && $0.interface == "internal"
            }
            #expect(try await session.endpoint(serviceType: "network") == internalEndpoints.first?.url)
        }

        @Test func domainScope() async throws {
            // The test cloud gives admin a role on project admin only, but a domain-scoped token needs one on the domain.
            let admin = try TestCloud.session(TestCloud.adminConfig())
            let adminToken = try #require(try await admin.validToken())
            let identity = ServiceClient(session: admin, serviceType: "identity")
            let roles = try await identity.get("/roles", query: [("name", "admin")])
            let roleID = try #require(roles["roles"]?.arrayValue?.first?["id"]?.stringValue)
            try await identity.send("PUT", "/domains/default/users/\(adminToken.userID!)/roles/\(roleID)")

            var config = TestCloud.adminConfig()
            config.projectName = nil
            config.projectDomainName = nil
            config.domainName = "Default"
            let session = try TestCloud.session(config)
            let token = try #require(try await session.validToken())
            #expect(token.projectID == nil)
        }

        @Test func wrongPasswordNotLogged() async throws {
            var config = TestCloud.adminConfig()
            config.password = "wrong-password-value"
            let recorder = LogRecorder()
            let session = try TestCloud.session(config, logger: recorder.logger)
            await #expect(throws: OpenStackError.self) { _ = try await session.validToken() }
            #expect(await session.authenticationCount == 1)
            #expect(!recorder.text.contains("wrong-password-value"))
            #expect(recorder.text.contains("401"))
        }

        @Test func applicationCredential() async throws {
            let admin = try TestCloud.session(TestCloud.adminConfig())
            let token = try #require(try await admin.validToken())
            let identity = ServiceClient(session: admin, serviceType: "identity")
            let created = try await identity.send(
                "POST", "/users/\(token.userID!)/application_credentials",
                body: ["application_credential": ["name": .string(uniqueName("appcred"))]])
            let credential = try #require(created["application_credential"])
            defer {
                Task {
                    try? await identity.send(
                        "DELETE", "/users/\(token.userID!)/application_credentials/\(credential["id"]!.stringValue!)")
                }
            }

            var config = CloudConfig()
            config.authType = .applicationCredential
            config.authURL = TestCloud.keystoneURL
            config.applicationCredentialID = credential["id"]?.stringValue
            config.applicationCredentialSecret = credential["secret"]?.stringValue
            let session = try TestCloud.session(config)
            let appToken = try #require(try await session.validToken())
            #expect(appToken.projectID == token.projectID)
            #expect(try await session.endpoint(serviceType: "network") == URL(string: "http://127.0.0.1:9696"))
        }

        @Test func renewsBeforeExpiry() async throws {
            let clock = ManualOpenStackClock(start: Date())
            let session = try TestCloud.session(TestCloud.adminConfig(), clock: clock)
            let first = try #require(try await session.validToken())
            _ = try await session.validToken()
            #expect(await session.authenticationCount == 1)

            // 61 s before expiry the cached token is still used; 59 s before, it is renewed.
            clock.set(first.expiresAt - 61)
            _ = try await session.validToken()
            #expect(await session.authenticationCount == 1)
            clock.set(first.expiresAt - 59)
            _ = try await session.validToken()
            #expect(await session.authenticationCount == 2)
        }

        @Test func marginZeroKeepsToken() async throws {
            let clock = ManualOpenStackClock(start: Date())
            let session = try TestCloud.session(TestCloud.adminConfig(), clock: clock)
            await session.setRenewalMargin(0)
            let first = try #require(try await session.validToken())
            clock.set(first.expiresAt - 2)
            let again = try #require(try await session.validToken())
            #expect(again.value == first.value)
            #expect(await session.authenticationCount == 1)
        }
    }
}
