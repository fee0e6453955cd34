import Foundation
import Testing

@testable import OpenStack

extension LiveCloud {
    /// Port actions against the real Neutron, each checked by reading the port back.
    @Suite struct NeutronActionTests {
        private func groups(_ neutron: NeutronClient, _ portID: String) async throws -> [String] {
            try await neutron.showPort(portID)["security_groups"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }

        private func puts(_ cloud: ProxiedCloud) -> [FaultProxy.Request] {
            cloud.neutronProxy.requests.filter { $0.method == "PUT" && $0.path.contains("/ports/") }
        }

        @Test func quarantineThenRelease() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            let neutron = cloud.neutron
            var fixture = try await NeutronFixture.make(ports: 0, neutron: neutron, cidr: "10.82.0.0/24")
            let web = try await fixture.makeGroup("web")
            let ssh = try await fixture.makeGroup("ssh")
            let port = try await neutron.createPort([
                "network_id": .string(fixture.networkID), "project_id": "admin", "device_id": "vm-a",
                "device_owner": "compute:nova", "security_groups": [.string(web), .string(ssh)],
                "allowed_address_pairs": [["ip_address": "10.82.0.100"]],
            ])
            let portID = port["id"]!.stringValue!
            fixture.portIDs.append(portID)
            let actions = NeutronPortActions(neutron: neutron)

            let result = await actions.quarantine(portID: portID)
            #expect(result.outcome == .done)
            let quarantineGroups = try await groups(neutron, portID)
            #expect(quarantineGroups.count == 1)
            let quarantineID = try #require(quarantineGroups.first)
            #expect(quarantineID != web)
            #expect(quarantineID != ssh)
            let rules = try await neutron.showSecurityGroup(quarantineID)["security_group_rules"]?.arrayValue
            #expect(rules?.isEmpty == true)
            #expect(Set(try await actions.memory.load(portID: portID) ?? []) == [web, ssh])

            let sent = try #require(puts(cloud).last)
            #expect(sent.json == ["port": ["security_groups": [.string(quarantineID)]]])
            #expect(sent.headers["if-match"] == "revision_number=\(port["revision_number"]!.intValue!)")

            let again = await actions.quarantine(portID: portID)
            #expect(again.outcome == .alreadyInState)
            #expect(puts(cloud).count == 1)

            let release = await actions.release(portID: portID)
            #expect(release.outcome == .done)
            #expect(Set(try await groups(neutron, portID)) == [web, ssh])
            #expect(puts(cloud).last?.json?["port"]?.objectValue?.keys.sorted() == ["security_groups"])
            let pairs = try await neutron.showPort(portID)["allowed_address_pairs"]?.arrayValue
            #expect(pairs?.first?["ip_address"] == "10.82.0.100")
            #expect(try await actions.memory.load(portID: portID) == nil)
            await fixture.remove()
        }

        @Test func ignoredUpdateNotSuccess() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            let fixture = try await NeutronFixture.make(ports: 1, neutron: cloud.neutron, cidr: "10.83.0.0/24")
            let portID = fixture.portIDs[0]
            let before = try await cloud.neutron.showPort(portID)
            // The cloud replies 200 with the old port, as a client library that drops the field would.
            cloud.neutronProxy.setRule { request in
                request.method == "PUT" ? .respond(status: 200, body: JSON.object(["port": before]).text) : .forward
            }

            let result = await NeutronPortActions(neutron: cloud.neutron).quarantine(portID: portID)
            guard case .failed(let reason) = result.outcome else {
                Issue.record("an ignored update was reported as \(result.outcome)")
                return
            }
            #expect(reason.contains("quarantine not applied on \(portID)"))
            cloud.resetRules()
            await fixture.remove()
        }

        @Test func changedGroupsConflict() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            let neutron = cloud.neutron
            var fixture = try await NeutronFixture.make(ports: 1, neutron: neutron, cidr: "10.84.0.0/24")
            let portID = fixture.portIDs[0]
            let debug = try await fixture.makeGroup("debug")
            let actions = NeutronPortActions(neutron: neutron)
            #expect(await actions.quarantine(portID: portID).outcome == .done)
            let quarantineID = try await groups(neutron, portID)[0]
            try await neutron.updatePort(portID, fields: ["security_groups": [.string(quarantineID), .string(debug)]])

            let result = await actions.release(portID: portID)
            guard case .failed(let reason) = result.outcome else {
                Issue.record("release overwrote a changed port: \(result)")
                return
            }
            #expect(reason.contains("conflict"))
            #expect(reason.contains(debug))
            #expect(Set(try await groups(neutron, portID)) == [quarantineID, debug])
            await fixture.remove()
        }

        @Test func staleRevisionRejected() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            let fixture = try await NeutronFixture.make(ports: 1, neutron: cloud.neutron, cidr: "10.85.0.0/24")
            let portID = fixture.portIDs[0]
            // Reads report an older revision, as if another writer changed the port after the read.
            cloud.neutronProxy.setRule { request in
                guard request.method == "GET", request.path.contains("/ports/") else { return .forward }
                return .forwardRewriting { body in
                    guard case .object(var members) = try? JSON.parse(body, source: "port"),
                        case .object(var port) = members["port"], let revision = port["revision_number"]?.intValue
                    else { return body }
                    port["revision_number"] = .int(revision - 1)
                    members["port"] = .object(port)
                    return JSON.object(members).data
                }
            }
            let result = await NeutronPortActions(neutron: cloud.neutron).setAdminState(portID: portID, up: false)
            guard case .failed(let reason) = result.outcome else {
                Issue.record("a stale revision was accepted: \(result)")
                return
            }
            #expect(reason.contains("412"))
            cloud.resetRules()
            #expect(try await cloud.neutron.showPort(portID)["admin_state_up"] == .bool(true))
            await fixture.remove()
        }

        @Test func infrastructurePortsUntouched() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            var fixture = try await NeutronFixture.make(ports: 0, neutron: cloud.neutron, cidr: "10.86.0.0/24")
            for owner in ["network:router_interface", "network:dhcp"] {
                let port = try await cloud.neutron.createPort([
                    "network_id": .string(fixture.networkID), "project_id": "admin", "device_owner": .string(owner),
                    "device_id": "infra",
                ])
                fixture.portIDs.append(port["id"]!.stringValue!)
            }
            let actions = NeutronPortActions(neutron: cloud.neutron)
            for portID in fixture.portIDs {
                let results = [
                    await actions.quarantine(portID: portID), await actions.setAdminState(portID: portID, up: false),
                ]
                for result in results {
                    #expect(!result.succeeded)
                }
            }
            #expect(puts(cloud).isEmpty)
            await fixture.remove()
        }

        @Test func attachThenDetach() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            var fixture = try await NeutronFixture.make(ports: 1, neutron: cloud.neutron, cidr: "10.87.0.0/24")
            let portID = fixture.portIDs[0]
            let extra = try await fixture.makeGroup("extra")
            let original = try await groups(cloud.neutron, portID)
            let actions = NeutronPortActions(neutron: cloud.neutron)

            #expect(await actions.attachGroup(portID: portID, groupID: extra).outcome == .done)
            #expect(Set(try await groups(cloud.neutron, portID)) == Set(original + [extra]))
            #expect(await actions.attachGroup(portID: portID, groupID: extra).outcome == .alreadyInState)
            #expect(await actions.detachGroup(portID: portID, groupID: extra).outcome == .done)
            #expect(try await groups(cloud.neutron, portID) == original)
            #expect(await actions.detachGroup(portID: portID, groupID: extra).outcome == .alreadyInState)
            #expect(await actions.setAdminState(portID: portID, up: false).outcome == .done)
            #expect(await actions.setAdminState(portID: portID, up: false).outcome == .alreadyInState)
            await fixture.remove()
        }
    }
}
