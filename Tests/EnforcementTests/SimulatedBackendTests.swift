import Foundation
import OpenStack
import Testing

@testable import Enforcement

@Suite struct SimulatedBackendTests {
    private func serverID(_ cloud: SimulatedCloud, _ name: String) throws -> String {
        try #require(cloud.serverID(named: name))
    }

    @Test func demoPublishesAPIShapes() throws {
        let cloud = SimulatedCloud.demo()
        let servers = cloud.servers()
        #expect(servers.count == 6)
        #expect(Set(servers.compactMap { $0["tenant_id"]?.stringValue }).count == 3)
        let web1 = try #require(servers.first { $0["name"] == "web-1" })
        #expect(web1["status"] == "ACTIVE")
        #expect(web1["OS-EXT-STS:vm_state"] == "active")
        #expect(web1["addresses"]?["web-net"]?.arrayValue?.first?["addr"] == "10.10.1.11")
        #expect(web1["addresses"]?["web-net"]?.arrayValue?.first?["OS-EXT-IPS:type"] == "fixed")

        let ports = cloud.ports()
        #expect(ports.count == 12)
        #expect(ports.filter { $0["device_owner"]?.stringValue?.hasPrefix("network:") == true }.count == 6)
        let firewall = try #require(ports.first { $0["device_id"]?.stringValue == (try? serverID(cloud, "fw-1")) })
        #expect(firewall["port_security_enabled"] == false)
        #expect(firewall["fixed_ips"]?.arrayValue?.first?["ip_address"] == "10.30.1.12")
        #expect(firewall["revision_number"] == 1)
        let web2 = try #require(ports.first { $0["device_id"]?.stringValue == (try? serverID(cloud, "web-2")) })
        #expect(web2["allowed_address_pairs"]?.arrayValue?.first?["ip_address"] == "10.10.1.100")
        #expect(cloud.networks().count == 3)
        #expect(
            Set(cloud.subnets().compactMap { $0["cidr"]?.stringValue }) == [
                "10.10.1.0/24", "10.20.1.0/24", "10.30.1.0/24",
            ])
        let groups = cloud.securityGroups()
        #expect(groups.count == 3)
        #expect(groups.allSatisfy { $0["security_group_rules"]?.arrayValue?.count == 2 })
    }

    @Test func quarantineAndRelease() async throws {
        let cloud = SimulatedCloud.demo()
        let counter = Counter()
        cloud.setOnChange { _ in counter.increment() }
        let vm = try serverID(cloud, "web-1")
        let port = try #require(cloud.ports(ofDevice: vm).first)
        let backend = SimulatedBackend(cloud: cloud)

        let result = await backend.apply(.quarantine, to: ActionTarget(vmID: vm), reason: "test")
        #expect(result.status == .done)
        let change = try #require(result.changes.first)
        #expect(result.changes.count == 1)
        #expect(change.kind == "port_security_groups")
        #expect(change.before == ChangeKind.text(groups: port.securityGroups))
        let quarantine = try #require(cloud.securityGroup(change.after))
        #expect(quarantine.name == "agora-quarantine")
        let published = cloud.securityGroups().first { $0["id"]?.stringValue == change.after }
        #expect(published?["security_group_rules"] == [])
        #expect(cloud.port(port.id)?.securityGroups == [change.after])
        #expect(cloud.port(port.id)?.revision == port.revision + 1)
        #expect(counter.value == 2)
        #expect(await backend.verify(result.changes).status == .done)
        #expect(await backend.apply(.quarantine, to: ActionTarget(vmID: vm), reason: "again").status == .alreadyInState)

        let release = await backend.release(result.changes)
        #expect(release.status == .done)
        #expect(cloud.port(port.id)?.securityGroups == port.securityGroups)
        #expect(await backend.verify(result.changes).status == .failed)
        #expect(await backend.release(result.changes).status == .alreadyInState)
    }

    @Test func portSecurityOffGoesDown() async throws {
        let cloud = SimulatedCloud.demo()
        let vm = try serverID(cloud, "fw-1")
        let router = cloud.addInfrastructurePort(
            owner: "network:router_interface", network: "ops-net", address: "10.30.1.254", deviceID: vm)
        let backend = SimulatedBackend(cloud: cloud)

        let result = await backend.apply(.quarantine, to: ActionTarget(vmID: vm), reason: "test")
        #expect(result.status == .done)
        #expect(result.changes.count == 1)
        #expect(result.changes.first?.kind == "port_admin_state")
        #expect(result.changes.first?.method == "admin_state_up=false because port security is off")
        #expect(result.detail.contains("\(router) is an infrastructure port"))
        #expect(cloud.port(router)?.adminStateUp == true)
        #expect(cloud.port(router)?.revision == 1)

        #expect(await backend.release(result.changes).status == .done)
        #expect(cloud.ports(ofDevice: vm).allSatisfy { $0.adminStateUp })
    }

    @Test func portDownPauseLockRelease() async throws {
        let cloud = SimulatedCloud.demo()
        let vm = try serverID(cloud, "db-1")
        let backend = SimulatedBackend(cloud: cloud)

        let down = await backend.apply(.portDown, to: ActionTarget(vmID: vm), reason: "test")
        #expect(down.status == .done)
        #expect(down.changes.map(\.after) == ["down"])
        let pause = await backend.apply(.pause, to: ActionTarget(vmID: vm), reason: "test")
        #expect(pause.changes.first?.before == "ACTIVE")
        #expect(cloud.server(vm)?.status == "PAUSED")
        #expect(cloud.servers().first { $0["id"]?.stringValue == vm }?["OS-EXT-STS:vm_state"] == "paused")
        let lock = await backend.apply(.lock, to: ActionTarget(vmID: vm), reason: "alert 7")
        #expect(lock.status == .done)
        #expect(cloud.server(vm)?.lockedReason == "quarantined by Agora: alert 7")
        let all = down.changes + pause.changes + lock.changes
        #expect(await backend.verify(all).status == .done)

        let release = await backend.release(all)
        #expect(release.status == .done)
        #expect(release.changes.map(\.kind) == ["server_lock", "server_status", "port_admin_state"])
        #expect(cloud.server(vm)?.status == "ACTIVE")
        #expect(cloud.server(vm)?.locked == false)
        #expect(cloud.ports(ofDevice: vm).allSatisfy { $0.adminStateUp })
    }

    @Test func changedPortIsConflict() async throws {
        let cloud = SimulatedCloud.demo()
        let vm = try serverID(cloud, "web-1")
        let backend = SimulatedBackend(cloud: cloud)
        let result = await backend.apply(.quarantine, to: ActionTarget(vmID: vm), reason: "test")
        let change = try #require(result.changes.first)
        let debug = cloud.ensureQuarantineGroup(projectID: try #require(cloud.projectID(named: "web")), name: "debug")
        try cloud.setSecurityGroups(portID: change.resource, to: [change.after, debug])

        let release = await backend.release(result.changes)
        #expect(release.status == .failed)
        #expect(release.detail.contains("conflict on \(change.resource)"))
        #expect(release.detail.contains(debug))
        #expect(cloud.port(change.resource)?.securityGroups == [change.after, debug])
    }

    @Test func faultsReportedWithTransience() async throws {
        let cloud = SimulatedCloud.demo()
        let vm = try serverID(cloud, "web-1")
        let transient = SimulatedBackend(cloud: cloud, latency: 0.001) { _, _ in .transient("timed out") }
        let failed = await transient.apply(.quarantine, to: ActionTarget(vmID: vm), reason: "test")
        #expect(failed.status == .failed)
        #expect(failed.transient)
        #expect(failed.detail.contains("timed out"))

        let rejected = SimulatedBackend(cloud: cloud) { operation, _ in
            operation == "pause" ? .rejected("conflict") : nil
        }
        let rejection = await rejected.apply(.pause, to: ActionTarget(vmID: vm), reason: "test")
        #expect(rejection.status == .failed)
        #expect(!rejection.transient)
        #expect(cloud.server(vm)?.status == "ACTIVE")
    }

    @Test(.enabled(if: SharedCases.exists(portsFile), "the shared cases directory is missing; set AGORA_SHARED"))
    func casePortsFallBack() async throws {
        let cloud = SimulatedCloud()
        for port in try SharedCases.json(Self.portsFile)["ports"]?.arrayValue ?? [] {
            cloud.addPort(neutron: port)
        }
        cloud.addServer(name: "vm-a", project: "t1", id: "vm-a")
        let backend = SimulatedBackend(cloud: cloud)

        let result = await backend.apply(.quarantine, to: ActionTarget(vmID: "vm-a"), reason: "test")
        #expect(result.status == .done)
        let byPort = Dictionary(uniqueKeysWithValues: result.changes.map { ($0.resource, $0) })
        #expect(byPort.count == 3)
        #expect(byPort["p1"]?.kind == "port_security_groups")
        #expect(byPort["p1"]?.before == "sg-web")
        #expect(byPort["p2"]?.method == "admin_state_up=false because port security is off")
        #expect(byPort["p3"]?.method == "admin_state_up=false because the port has no IP address")
        #expect(cloud.port("p2")?.portSecurityEnabled == false)
        #expect(await backend.verify(result.changes).status == .done)
        #expect(await backend.release(result.changes).status == .done)
        #expect(cloud.port("p1")?.securityGroups == ["sg-web"])
        #expect(cloud.ports(ofDevice: "vm-a").allSatisfy { $0.adminStateUp })

        // A rejection from the cloud after a read that showed port security on: one attempt, then admin down.
        let attempts = Counter()
        let rejecting = SimulatedBackend(cloud: cloud) { operation, _ in
            guard operation == "set_security_groups" else { return nil }
            attempts.increment()
            return .rejected(portSecurityRequiredError)
        }
        let fallback = await rejecting.apply(.quarantine, to: ActionTarget(vmID: "vm-a"), reason: "test")
        #expect(fallback.status == .done)
        #expect(attempts.value == 1)
        let p1 = fallback.changes.first { $0.resource == "p1" }
        #expect(p1?.method.contains(portSecurityRequiredError) == true)
        #expect(cloud.port("p1")?.adminStateUp == false)
    }

    static let portsFile = "B19-port-security-disabled-quarantine/ports-vm-a.json"
}

/// A thread-safe counter for callbacks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
