import Foundation

@testable import OpenStack

/// An admin session whose Keystone and Neutron traffic passes through fault proxies.
struct ProxiedCloud {
    let keystoneProxy: FaultProxy
    let neutronProxy: FaultProxy
    let novaProxy: FaultProxy
    let clock: ManualOpenStackClock
    let logs = LogRecorder()
    let session: Session

    init(renewalMargin: Double = 60, retryPolicy: RetryPolicy? = nil, timeout: Double = 30) throws {
        keystoneProxy = try FaultProxy(upstreamPort: 5000)
        neutronProxy = try FaultProxy(upstreamPort: 9696)
        novaProxy = try FaultProxy(upstreamPort: 8774)
        clock = ManualOpenStackClock(start: Date())

        var config = TestCloud.adminConfig()
        config.authURL = keystoneProxy.url.appendingPathComponent("v3")
        config.endpointOverrides = [
            "network": neutronProxy.url, "compute": novaProxy.url.appendingPathComponent("v2.1"),
        ]
        config.timeout = timeout
        session = try Session(
            config: config, clock: clock,
            retryPolicy: retryPolicy
                ?? RetryPolicy(maxAttempts: 3, baseDelay: 0.5, maxDelay: 4, jitter: 0.5, random: { 0.5 }),
            renewalMargin: renewalMargin, logger: logs.logger)
    }

    var neutron: NeutronClient { NeutronClient(session: session) }

    /// Requests that reached the Keystone proxy to create a token.
    var tokenRequests: [FaultProxy.Request] {
        keystoneProxy.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/auth/tokens") }
    }

    /// Makes Keystone's next token look as if Keystone were configured with a token lifetime of
    /// `seconds`: the proxy rewrites `expires_at` in that one response.
    func shortenNextToken(lifetime seconds: Double) {
        let proxy = keystoneProxy
        keystoneProxy.setRule { request in
            guard request.method == "POST" else { return .forward }
            proxy.setRule { _ in .forward }
            return .forwardRewriting { body in
                guard case .object(var members) = try? JSON.parse(body, source: "token"),
                    case .object(var token) = members["token"]
                else { return body }
                let formatter = ISO8601DateFormatter()
                token["expires_at"] = .string(formatter.string(from: Date() + seconds))
                members["token"] = .object(token)
                return JSON.object(members).data
            }
        }
    }

    func resetRules() {
        for proxy in [keystoneProxy, neutronProxy, novaProxy] { proxy.setRule { _ in .forward } }
    }

    func stop() {
        keystoneProxy.stop()
        neutronProxy.stop()
        novaProxy.stop()
    }
}

/// A network with ports in the real Neutron, removed again by `remove()`.
struct NeutronFixture {
    let neutron: NeutronClient
    let networkID: String
    let subnetID: String
    var portIDs: [String] = []
    var groupIDs: [String] = []

    static func make(ports: Int, neutron: NeutronClient, cidr: String = "10.77.0.0/24") async throws -> NeutronFixture {
        // Tests create many groups in project admin; Neutron's default quota is 10.
        try await neutron.service.send(
            "PUT", "/quotas/admin", body: ["quota": ["security_group": -1, "port": -1, "network": -1, "subnet": -1]])
        let network = try await neutron.create(
            "/networks", key: "network", fields: ["name": .string(uniqueName("net")), "project_id": "admin"])
        let networkID = network["id"]!.stringValue!
        let subnet = try await neutron.create(
            "/subnets", key: "subnet",
            fields: [
                "network_id": .string(networkID), "ip_version": 4, "cidr": .string(cidr), "project_id": "admin",
            ])
        var fixture = NeutronFixture(neutron: neutron, networkID: networkID, subnetID: subnet["id"]!.stringValue!)
        for index in 0..<ports {
            let port = try await neutron.createPort([
                "network_id": .string(networkID), "name": .string("p\(index)"), "project_id": "admin",
            ])
            fixture.portIDs.append(port["id"]!.stringValue!)
        }
        return fixture
    }

    /// Creates a security group that `remove()` deletes again.
    mutating func makeGroup(_ name: String) async throws -> String {
        let group = try await neutron.createSecurityGroup(name: uniqueName(name), description: name, projectID: "admin")
        let id = group["id"]!.stringValue!
        groupIDs.append(id)
        return id
    }

    func remove() async {
        for id in portIDs { try? await neutron.deletePort(id) }
        for id in groupIDs { try? await neutron.delete("/security-groups/\(id)") }
        try? await neutron.delete("/networks/\(networkID)")
    }
}
