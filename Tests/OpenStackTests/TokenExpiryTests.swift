import Foundation
import Testing

@testable import OpenStack

extension LiveCloud {
    /// Token renewal in the middle of a batch of port updates: a rejected token is renewed once,
    /// with the configured credentials, and only the rejected call is sent again.
    @Suite struct TokenExpiryTests {
        /// Renames each port, one PUT per port, and returns the errors by port.
        private func runBatch(_ cloud: ProxiedCloud, ports: [String]) async -> [String: Error] {
            var failures: [String: Error] = [:]
            for (index, port) in ports.enumerated() {
                do {
                    try await cloud.neutron.updatePort(port, fields: ["name": .string("renamed-\(index)")])
                } catch {
                    failures[port] = error
                }
            }
            return failures
        }

        private func puts(_ proxy: FaultProxy, port: String) -> [FaultProxy.Request] {
            proxy.requests.filter { $0.method == "PUT" && $0.path.hasSuffix("/ports/\(port)") }
        }

        @Test func rejectedTokenRenewedOnce() async throws {
            let cloud = try ProxiedCloud(renewalMargin: 0)
            defer { cloud.stop() }
            let fixture = try await NeutronFixture.make(ports: 3, neutron: cloud.neutron)
            let ports = fixture.portIDs
            let first = try #require(try await cloud.session.validToken())

            // The client's clock shows one second left, but the service already treats T1 as expired
            // from the second PUT on, as with clock skew between client and Keystone.
            cloud.clock.set(first.expiresAt - 1)
            let secondPort = ports[1]
            cloud.neutronProxy.setRule { request in
                request.headers["x-auth-token"] == first.value && !request.path.hasSuffix(ports[0])
                    ? .respond(
                        status: 401,
                        body:
                            #"{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}"#
                    )
                    : .forward
            }
            let failures = await runBatch(cloud, ports: ports)

            #expect(failures.isEmpty)
            #expect(cloud.tokenRequests.count == 2)
            let renewal = try #require(cloud.tokenRequests.last)
            #expect(renewal.headers["x-auth-token"] == nil)
            #expect(renewal.json?["auth"]?["identity"]?["methods"] == ["password"])
            #expect(!String(decoding: renewal.body, as: UTF8.self).contains(first.value))

            #expect(puts(cloud.neutronProxy, port: ports[0]).count == 1)
            let retried = puts(cloud.neutronProxy, port: secondPort)
            #expect(retried.count == 2)
            #expect(retried.first?.headers["x-auth-token"] == first.value)
            let second = try #require(try await cloud.session.validToken())
            #expect(second.value != first.value)
            #expect(retried.last?.headers["x-auth-token"] == second.value)
            #expect(puts(cloud.neutronProxy, port: ports[2]).map { $0.headers["x-auth-token"] } == [second.value])

            for (index, port) in ports.enumerated() {
                #expect(try await cloud.neutron.showPort(port)["name"] == .string("renamed-\(index)"))
            }
            #expect(!cloud.logs.text.contains(first.value))
            #expect(!cloud.logs.text.contains(second.value))
            #expect(!cloud.logs.text.contains("secret"))
            cloud.resetRules()
            await fixture.remove()
        }

        @Test func defaultMarginRenewsFirst() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            let fixture = try await NeutronFixture.make(ports: 3, neutron: cloud.neutron)
            cloud.shortenNextToken(lifetime: 120)
            await cloud.session.invalidateToken()
            let first = try #require(try await cloud.session.validToken())
            #expect(first.expiresAt < Date() + 200)

            cloud.clock.set(first.expiresAt - 2)
            cloud.neutronProxy.setRule { request in
                request.headers["x-auth-token"] == first.value ? .respond(status: 401, body: "{}") : .forward
            }
            let failures = await runBatch(cloud, ports: fixture.portIDs)

            #expect(failures.isEmpty)
            #expect(cloud.tokenRequests.count == 3)
            let sentTokens = cloud.neutronProxy.requests.filter { $0.method == "PUT" && $0.path.contains("/ports/") }
                .map {
                    $0.headers["x-auth-token"]
                }
            #expect(sentTokens.count == 3)
            #expect(!sentTokens.contains(first.value))
            cloud.resetRules()
            await fixture.remove()
        }

        @Test func failedRenewalStopsWithoutLoop() async throws {
            let cloud = try ProxiedCloud(renewalMargin: 0)
            defer { cloud.stop() }
            let fixture = try await NeutronFixture.make(ports: 2, neutron: cloud.neutron)
            let first = try #require(try await cloud.session.validToken())

            cloud.keystoneProxy.setRule { request in
                request.method == "POST"
                    ? .respond(
                        status: 401,
                        body: #"{"error": {"code": 401, "message": "bad credentials", "title": "Unauthorized"}}"#)
                    : .forward
            }
            cloud.neutronProxy.setRule { request in
                request.headers["x-auth-token"] == first.value ? .respond(status: 401, body: "{}") : .forward
            }
            await #expect(
                throws: OpenStackError.authenticationFailed(
                    url: cloud.keystoneProxy.url.absoluteString + "/v3/auth/tokens", status: 401,
                    message: "bad credentials")
            ) {
                try await cloud.neutron.updatePort(fixture.portIDs[0], fields: ["name": "never"])
            }
            #expect(cloud.tokenRequests.count == 2)
            #expect(cloud.neutronProxy.requests.filter { $0.method == "PUT" && $0.path.contains("/ports/") }.count == 1)
            #expect(!cloud.logs.text.contains(first.value))
            #expect(!cloud.logs.text.contains("secret"))
            cloud.resetRules()
            await fixture.remove()
        }

        @Test func secondRejectionNotRetried() async throws {
            let cloud = try ProxiedCloud(renewalMargin: 0)
            defer { cloud.stop() }
            let fixture = try await NeutronFixture.make(ports: 1, neutron: cloud.neutron)
            cloud.neutronProxy.setRule { request in
                request.method == "PUT" ? .respond(status: 401, body: "{}") : .forward
            }

            await #expect(throws: OpenStackError.self) {
                try await cloud.neutron.updatePort(fixture.portIDs[0], fields: ["name": "never"])
            }
            #expect(cloud.neutronProxy.requests.filter { $0.method == "PUT" && $0.path.contains("/ports/") }.count == 2)
            #expect(cloud.tokenRequests.count == 2)
            cloud.resetRules()
            await fixture.remove()
        }
    }
}
