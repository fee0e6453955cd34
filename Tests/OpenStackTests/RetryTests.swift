import Foundation
import Testing

@testable import OpenStack

extension LiveCloud {
    /// Retries, timeouts and error reports, with faults injected by a proxy in front of Neutron.
    @Suite struct RetryTests {
        private let unavailable = #"{"message": "injected outage"}"#

        /// A count of injected 503 responses; `take()` is true until it is used up.
        private final class Budget: @unchecked Sendable {
            private let lock = NSLock()
            private var remaining: Int
            init(_ count: Int) { remaining = count }
            func take() -> Bool {
                lock.withLock {
                    guard remaining > 0 else { return false }
                    remaining -= 1
                    return true
                }
            }
        }

        @Test func serverErrorRetriedWithBackoff() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            _ = try await cloud.session.validToken()
            let budget = Budget(2)
            cloud.neutronProxy.setRule { [unavailable] request in
                request.method == "GET" && budget.take() ? .respond(status: 503, body: unavailable) : .forward
            }

            let networks = try await cloud.neutron.list("networks")
            #expect(networks.allSatisfy { $0["id"] != nil })
            #expect(cloud.neutronProxy.requests.count == 3)
            // random() is fixed at 0.5 and jitter is 0.5, so each delay is 0.75 of 0.5 s, then of 1 s.
            #expect(cloud.clock.sleeps == [0.375, 0.75])
        }

        @Test func persistentOutageReported() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            _ = try await cloud.session.validToken()
            cloud.neutronProxy.setRule { [unavailable] _ in .respond(status: 503, body: unavailable) }

            do {
                _ = try await cloud.neutron.list("ports")
                Issue.record("a 503 on every attempt was not reported")
            } catch OpenStackError.http(let failure) {
                #expect(failure.status == 503)
                #expect(failure.method == "GET")
                #expect(failure.url.contains("/v2.0/ports"))
                #expect(failure.message == "injected outage")
            }
            #expect(cloud.neutronProxy.requests.count == 3)
        }

        @Test func clientErrorNotRetried() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            do {
                _ = try await cloud.neutron.showPort("00000000-0000-0000-0000-000000000000")
                Issue.record("a missing port was found")
            } catch OpenStackError.http(let failure) {
                #expect(failure.status == 404)
                #expect(failure.errorType == "PortNotFound")
                #expect(failure.message.contains("00000000-0000-0000-0000-000000000000"))
                #expect(failure.description.contains("GET http://127.0.0.1:\(cloud.neutronProxy.port)/v2.0/ports/"))
            }
            #expect(cloud.neutronProxy.requests.count == 1)
            #expect(cloud.clock.sleeps.isEmpty)
        }

        @Test func postNotRetriedOnServerError() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            cloud.neutronProxy.setRule { [unavailable] _ in .respond(status: 503, body: unavailable) }
            await #expect(throws: OpenStackError.self) {
                _ = try await cloud.neutron.create("/networks", key: "network", fields: ["name": "never-created"])
            }
            #expect(cloud.neutronProxy.requests.count == 1)
        }

        @Test func timeoutRetried() async throws {
            let proxy = try FaultProxy(upstreamPort: 9696)
            defer { proxy.stop() }
            let token = try await TestCloud.session(TestCloud.adminConfig()).validToken()
            var config = CloudConfig()
            config.authType = .adminToken
            config.token = token?.value
            config.endpointOverrides = ["network": proxy.url]
            config.timeout = 1
            let clock = ManualOpenStackClock(start: Date())
            let session = try Session(config: config, clock: clock, retryPolicy: RetryPolicy(maxAttempts: 2))

            let budget = Budget(1)
            proxy.setRule { _ in budget.take() ? .stall(seconds: 3) : .forward }
            _ = try await NeutronClient(session: session).list("networks")
            #expect(proxy.requests.count == 2)
            #expect(clock.sleeps.count == 1)
        }

        @Test func refusedConnectionReported() async throws {
            var config = TestCloud.noauthConfig(network: URL(string: "http://127.0.0.1:9")!)
            config.timeout = 2
            let clock = ManualOpenStackClock(start: Date())
            let session = try Session(
                config: config, clock: clock, retryPolicy: RetryPolicy(maxAttempts: 3, random: { 0 }))
            do {
                _ = try await NeutronClient(session: session).list("networks")
                Issue.record("a refused connection was not reported")
            } catch OpenStackError.connection(let method, let url, let attempts, _) {
                #expect(method == "GET")
                #expect(url.hasPrefix("http://127.0.0.1:9/v2.0/networks"))
                #expect(attempts == 3)
            }
            #expect(clock.sleeps == [0.5, 1.0])
        }

        @Test func paginationFollowsLinks() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            let fixture = try await NeutronFixture.make(ports: 5, neutron: cloud.neutron, cidr: "10.78.0.0/24")
            cloud.neutronProxy.clearRecord()

            var neutron = cloud.neutron
            neutron.pageSize = 2
            let ports = try await neutron.list("ports", query: [("network_id", fixture.networkID)])
            #expect(Set(ports.compactMap { $0["id"]?.stringValue }) == Set(fixture.portIDs))
            #expect(ports.count == 5)
            let pages = cloud.neutronProxy.requests.filter { $0.path.contains("/v2.0/ports") }
            #expect(pages.count >= 3)
            #expect(pages.dropFirst().allSatisfy { $0.path.contains("marker=") })
            await fixture.remove()
        }
    }
}
