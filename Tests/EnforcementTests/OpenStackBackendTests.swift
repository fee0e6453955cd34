import Foundation
import OpenStack
import Testing

@testable import Enforcement

extension LiveOpenStack {
    /// The OpenStack backend against the real Nova and Neutron: every change read back, and
    /// release restoring exactly the recorded state.
    @Suite struct OpenStackBackendTests {
        /// Networks, groups and servers a test resources, removed by `remove()`.
        final class Resources: @unchecked Sendable {
            let neutron: NeutronClient
            let nova: NovaClient
            var networkIDs: [String] = []
            var groupIDs: [String] = []
            var portIDs: [String] = []
            var serverIDs: [String] = []

            init(session: Session) {
                neutron = NeutronClient(session: session)
                nova = NovaClient(session: session)
            }

            func network(cidr: String) async throws -> String {
                try await neutron.service.send(
                    "PUT", "/quotas/admin",
                    body: ["quota": ["security_group": -1, "port": -1, "network": -1, "subnet": -1]])
                let network = try await neutron.create(
                    "/networks", key: "network", fields: ["name": .string(uniqueName("net")), "project_id": "admin"])
                let id = try #require(network["id"]?.stringValue)
                networkIDs.append(id)
                _ = try await neutron.create(
                    "/subnets", key: "subnet",
                    fields: ["network_id": .string(id), "ip_version": 4, "cidr": .string(cidr), "project_id": "admin"])
                return id
            }

            func group(_ name: String, project: String = "admin") async throws -> String {
                let group = try await neutron.createSecurityGroup(
                    name: uniqueName(name), description: name, projectID: project)
                let id = try #require(group["id"]?.stringValue)
                groupIDs.append(id)
                return id
            }

            func port(_ fields: [String: JSON]) async throws -> String {
                let id = try #require(try await neutron.createPort(fields)["id"]?.stringValue)
                portIDs.append(id)
                return id
            }

            func remove() async {
                for id in serverIDs { try? await nova.deleteServer(id) }
                for id in serverIDs {
                    for _ in 0..<80 {
                        if (try? await neutron.list("ports", query: [("device_id", id)]))?.isEmpty != false { break }
                        try? await Task.sleep(nanoseconds: 250_000_000)
                    }
                }
                for id in portIDs { try? await neutron.deletePort(id) }
                for id in groupIDs { try? await neutron.delete("/security-groups/\(id)") }
                for id in networkIDs { try? await neutron.delete("/networks/\(id)") }
            }
        }

        private func groups(_ neutron: NeutronClient, _ portID: String) async throws -> Set<String> {
            Set(PortFacts(neutron: try await neutron.showPort(portID)).securityGroups)
        }

        @Test func quarantineServerAndRelease() async throws {
            let recorder = RecordingTransport()
            let session = try OpenStackServers.session(recorder: recorder)
            let resources = Resources(session: session)
            let neutron = resources.neutron
            let first = try await resources.network(cidr: "10.61.0.0/24")
            let second = try await resources.network(cidr: "10.62.0.0/24")
            let flavor = try await resources.nova.createFlavor([
                "name": .string(uniqueName("flavor")), "ram": 64, "vcpus": 1, "disk": 1,
            ])
            let serverID = try await OpenStackServers.bootActive(
                resources.nova,
                [
                    "name": .string(uniqueName("vm")), "imageRef": .string(OpenStackServers.imageID),
                    "flavorRef": flavor["id"]!,
                    "networks": [["uuid": .string(first)], ["uuid": .string(second)]],
                ])
            resources.serverIDs.append(serverID)
            let ports = try await neutron.list("ports", query: [("device_id", serverID)])
            let secure = try #require(ports.first { $0["network_id"]?.stringValue == first }?["id"]?.stringValue)
            let insecure = try #require(ports.first { $0["network_id"]?.stringValue == second }?["id"]?.stringValue)

            // The first port gets two groups and an address pair; the second loses port security.
            let project = PortFacts(neutron: ports[0]).projectID
            let web = try await resources.group("web", project: project)
            let ssh = try await resources.group("ssh", project: project)
            try await neutron.updatePort(
                secure,
                fields: [
                    "security_groups": [.string(web), .string(ssh)],
                    "allowed_address_pairs": [["ip_address": "10.61.0.100"]],
                ])
            try await neutron.updatePort(insecure, fields: ["port_security_enabled": false, "security_groups": []])
            let updatesBefore = recorder.portUpdates.count

            let backend = OpenStackBackend(session: session)
            let result = await backend.apply(.quarantine, to: ActionTarget(vmID: serverID), reason: "test")
            #expect(result.status == .done, "\(result.detail)")
            #expect(result.changes.count == 2)
            let groupChange = try #require(result.changes.first { $0.resource == secure })
            #expect(groupChange.kind == "port_security_groups")
            #expect(Set(ChangeKind.groups(groupChange.before)) == [web, ssh])
            #expect(groupChange.method.hasPrefix("security_groups="))
            let downChange = try #require(result.changes.first { $0.resource == insecure })
            #expect(downChange.kind == "port_admin_state")
            #expect(downChange.before == "up")
            #expect(downChange.method == "admin_state_up=false because port security is off")

            let quarantineID = groupChange.after
            #expect(try await groups(neutron, secure) == [quarantineID])
            let rules = try await neutron.showSecurityGroup(quarantineID)["security_group_rules"]?.arrayValue
            #expect(rules?.isEmpty == true)
            #expect(try await neutron.showPort(insecure)["admin_state_up"] == .bool(false))
            #expect(try await neutron.showPort(insecure)["port_security_enabled"] == .bool(false))
            let sent = Array(recorder.portUpdates.dropFirst(updatesBefore))
            #expect(sent.count == 2)
            #expect(
                sent.first { $0.path.hasSuffix(secure) }?.json == ["port": ["security_groups": [.string(quarantineID)]]]
            )
            #expect(sent.first { $0.path.hasSuffix(insecure) }?.json == ["port": ["admin_state_up": false]])
            #expect(sent.allSatisfy { $0.headers["if-match"]?.hasPrefix("revision_number=") == true })

            #expect(await backend.verify(result.changes).status == .done)
            let again = await backend.apply(.quarantine, to: ActionTarget(vmID: serverID), reason: "test")
            #expect(again.status == .alreadyInState)
            #expect(recorder.portUpdates.count == updatesBefore + 2)

            let release = await backend.release(result.changes)
            #expect(release.status == .done, "\(release.detail)")
            #expect(try await groups(neutron, secure) == [web, ssh])
            #expect(try await neutron.showPort(insecure)["admin_state_up"] == .bool(true))
            let restore = try #require(recorder.portUpdates.last { $0.path.hasSuffix(secure) })
            #expect(restore.json?["port"]?.objectValue?.keys.sorted() == ["security_groups"])
            let pairs = try await neutron.showPort(secure)["allowed_address_pairs"]?.arrayValue
            #expect(pairs?.first?["ip_address"] == "10.61.0.100")
            #expect(await backend.verify(result.changes).status == .failed)

            // Pause and lock, then release both in one call: unlock first, then unpause.
            let pause = await backend.apply(.pause, to: ActionTarget(vmID: serverID), reason: "test")
            #expect(pause.status == .done, "\(pause.detail)")
            #expect(pause.changes.first?.before == "ACTIVE")
            #expect(pause.changes.first?.after == "PAUSED")
            let lock = await backend.apply(.lock, to: ActionTarget(vmID: serverID), reason: "alert 7")
            #expect(lock.status == .done, "\(lock.detail)")
            let locked = try await resources.nova.at(microversion: "2.73").server(serverID)
            #expect(locked["locked"] == .bool(true))
            #expect(locked["locked_reason"] == "quarantined by Agora: alert 7")
            #expect(await backend.verify(pause.changes + lock.changes).status == .done)

            let serverRelease = await backend.release(pause.changes + lock.changes)
            #expect(serverRelease.status == .done, "\(serverRelease.detail)")
            #expect(serverRelease.changes.map(\.kind) == ["server_lock", "server_status"])
            let server = try await resources.nova.at(microversion: "2.73").server(serverID)
            #expect(server["status"] == "ACTIVE")
            #expect(server["locked"] == .bool(false))
            await resources.remove()
        }

        @Test func changedPortIsConflict() async throws {
            let session = try OpenStackServers.session()
            let resources = Resources(session: session)
            let network = try await resources.network(cidr: "10.63.0.0/24")
            let device = uniqueName("vm")
            let portID = try await resources.port([
                "network_id": .string(network), "project_id": "admin", "device_id": .string(device),
                "device_owner": "compute:nova",
            ])
            let router = try await resources.port([
                "network_id": .string(network), "project_id": "admin", "device_id": .string(device),
                "device_owner": "network:router_interface",
            ])
            let routerBefore = try await resources.neutron.showPort(router)
            let backend = OpenStackBackend(session: session)

            let result = await backend.apply(.quarantine, to: ActionTarget(vmID: device), reason: "test")
            #expect(result.status == .done)
            #expect(result.changes.map(\.resource) == [portID])
            #expect(result.detail.contains("\(router) is an infrastructure port"))
            #expect(try await resources.neutron.showPort(router) == routerBefore)

            let debug = try await resources.group("debug")
            let quarantineID = try #require(result.changes.first?.after)
            try await resources.neutron.updatePort(
                portID, fields: ["security_groups": [.string(quarantineID), .string(debug)]])
            let release = await backend.release(result.changes)
            #expect(release.status == .failed)
            #expect(release.detail.contains("conflict on port \(portID)"))
            #expect(release.detail.contains(debug))
            #expect(try await groups(resources.neutron, portID) == [quarantineID, debug])
            #expect(!release.transient)

            let down = await backend.apply(.portDown, to: ActionTarget(vmID: device), reason: "test")
            #expect(down.status == .done)
            #expect(down.changes.map(\.resource) == [portID])
            #expect(await backend.release(down.changes).status == .done)
            #expect(try await resources.neutron.showPort(portID)["admin_state_up"] == .bool(true))
            await resources.remove()
        }

        @Test func rejectedGroupFallsBackOnce() async throws {
            let recorder = RecordingTransport()
            let session = try OpenStackServers.session(recorder: recorder)
            let resources = Resources(session: session)
            let network = try await resources.network(cidr: "10.64.0.0/24")
            let device = uniqueName("vm")
            let portID = try await resources.port([
                "network_id": .string(network), "project_id": "admin", "device_id": .string(device),
                "device_owner": "compute:nova", "port_security_enabled": false, "security_groups": [],
            ])
            // Reads claim port security is on, so the backend sends the group and Neutron rejects it.
            recorder.setRewrite { request, response in
                guard request.method == "GET", request.url.path.contains("/ports"),
                    let body = try? JSON.parse(response.body, source: "ports")
                else { return response }
                let rewritten: JSON
                if let port = body["port"] {
                    rewritten = ["port": port.setting("port_security_enabled", to: true)]
                } else {
                    let ports = body["ports"]?.arrayValue ?? []
                    rewritten = ["ports": .array(ports.map { $0.setting("port_security_enabled", to: true) })]
                }
                return HTTPResponse(status: response.status, headers: response.headers, body: rewritten.data)
            }

            let result = await OpenStackBackend(session: session).apply(
                .quarantine, to: ActionTarget(vmID: device), reason: "test")
            recorder.setRewrite(nil)
            #expect(result.status == .done, "\(result.detail)")
            #expect(result.changes.first?.kind == "port_admin_state")
            #expect(result.changes.first?.method.contains("PortSecurityAndIPRequiredForSecurityGroups") == true)
            let groupUpdates = recorder.portUpdates.filter { $0.json?["port"]?["security_groups"] != nil }
            #expect(groupUpdates.count == 1)
            #expect(try await resources.neutron.showPort(portID)["admin_state_up"] == .bool(false))
            await resources.remove()
        }
    }
}
