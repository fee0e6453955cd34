import Foundation
import Testing

@testable import DataSources
@testable import OpenStack

extension LiveCloud {
    /// Behaviour that needs every service to check Keystone tokens (servers started with
    /// AUTH=keystone, as `make openstack-keystone-test` does).
    @Suite(
        .enabled(
            if: TestCloud.isKeystone, "needs the servers in AUTH=keystone mode; run `make openstack-keystone-test`"))
    struct KeystoneModeTests {
        private func demoConfig() -> CloudConfig {
            var config = TestCloud.adminConfig()
            config.username = "demo"
            config.password = "demo"
            config.projectName = "demo"
            return config
        }

        @Test func revokedTokenRenewedOnce() async throws {
            let session = try TestCloud.session(TestCloud.adminConfig())
            let revoked = try #require(try await session.validToken())

            // Revoke the token before any service has seen (and cached) it.
            let other = try TestCloud.session(TestCloud.adminConfig())
            let identity = ServiceClient(session: other, serviceType: "identity")
            try await identity.send("DELETE", "/auth/tokens", headers: ["X-Subject-Token": revoked.value])

            let networks = try await NeutronClient(session: session).list("networks")
            #expect(networks.allSatisfy { $0["id"] != nil })
            #expect(await session.authenticationCount == 2)
            let renewed = try #require(try await session.validToken())
            #expect(renewed.value != revoked.value)
        }

        @Test func projectScopeLimitsPorts() async throws {
            let admin = try TestCloud.session(TestCloud.adminConfig())
            let fixture = try await NeutronFixture.make(
                ports: 1, neutron: NeutronClient(session: admin), cidr: "10.95.0.0/24")
            let demo = try TestCloud.session(demoConfig())
            let demoToken = try #require(try await demo.validToken())

            let demoDriver = NeutronDriver(session: demo)
            _ = try await demoDriver.poll()
            let demoPorts = await demoDriver.rows(of: "ports")
            #expect(!demoPorts.contains { $0[0] == .string(fixture.portIDs[0]) })
            #expect(demoPorts.allSatisfy { $0[1] == .string(demoToken.projectID!) })

            let adminDriver = NeutronDriver(session: admin)
            _ = try await adminDriver.poll()
            #expect(await adminDriver.rows(of: "ports").contains { $0[0] == .string(fixture.portIDs[0]) })
            await fixture.remove()
        }

        @Test func anonymousRequestRejected() async throws {
            let session = try Session(config: TestCloud.noauthConfig(), retryPolicy: .none)
            do {
                _ = try await NeutronClient(session: session).list("networks")
                Issue.record("Neutron accepted a request without a token")
            } catch OpenStackError.http(let failure) {
                #expect(failure.status == 401)
            }
        }
    }
}
