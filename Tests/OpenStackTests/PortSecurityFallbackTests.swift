import Foundation
import Testing

@testable import OpenStack

extension LiveCloud {
    /// Quarantine of a server whose ports cannot all take a security group: port security off,
    /// or no IP address. Such ports are disabled instead, and the result gives the reason.
    @Suite struct PortSecurityFallbackTests {
        private func makeServerPorts(_ neutron: NeutronClient, device: String) async throws -> NeutronFixture {
            var fixture = try await NeutronFixture.make(ports: 0, neutron: neutron, cidr: "10.88.0.0/24")
            let specs: [[String: JSON]] = [
                [:], ["port_security_enabled": false, "security_groups": []], ["fixed_ips": []],
            ]
            for extra in specs {
                var fields: [String: JSON] = [
                    "network_id": .string(fixture.networkID), "project_id": "admin", "device_id": .string(device),
                    "device_owner": "compute:nova",
                ]
                fields.merge(extra) { _, new in new }
                fixture.portIDs.append(try await neutron.createPort(fields)["id"]!.stringValue!)
            }
            return fixture
        }

        @Test func everyPortHandled() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            let device = uniqueName("vm")
            let fixture = try await makeServerPorts(cloud.neutron, device: device)
            let (normal, insecure, noAddress) = (fixture.portIDs[0], fixture.portIDs[1], fixture.portIDs[2])

            let (isolated, results) = await NeutronPortActions(neutron: cloud.neutron).quarantineDevice(
                deviceID: device)
            #expect(isolated)
            #expect(results.count == 3)
            let byPort = Dictionary(uniqueKeysWithValues: results.map { ($0.target, $0) })
            #expect(byPort[insecure]?.detail.contains("port security is off") == true)
            #expect(byPort[noAddress]?.detail.contains("no IP address") == true)

            let normalPort = try await cloud.neutron.showPort(normal)
            #expect(normalPort["security_groups"]?.arrayValue?.count == 1)
            #expect(normalPort["admin_state_up"] == .bool(true))
            for portID in [insecure, noAddress] {
                let port = try await cloud.neutron.showPort(portID)
                #expect(port["admin_state_up"] == .bool(false))
            }
            #expect(try await cloud.neutron.showPort(insecure)["port_security_enabled"] == .bool(false))
            // Only one security-group update went out, to the port that can take it.
            let groupUpdates = cloud.neutronProxy.requests.filter {
                $0.method == "PUT" && $0.json?["port"]?["security_groups"] != nil
            }
            #expect(groupUpdates.count == 1)
            await fixture.remove()
        }

        @Test func rejectedGroupNotRetried() async throws {
            let cloud = try ProxiedCloud()
            defer { cloud.stop() }
            let fixture = try await makeServerPorts(cloud.neutron, device: uniqueName("vm"))
            let insecure = fixture.portIDs[1]
            // Reads claim port security is on, so the product sends the group and Neutron rejects it.
            cloud.neutronProxy.setRule { request in
                guard request.method == "GET", request.path.hasSuffix("/ports/\(insecure)") else { return .forward }
                return .forwardRewriting { body in
                    guard case .object(var members) = try? JSON.parse(body, source: "port"),
                        case .object(var port) = members["port"]
                    else { return body }
                    port["port_security_enabled"] = .bool(true)
                    members["port"] = .object(port)
                    return JSON.object(members).data
                }
            }

            let result = await NeutronPortActions(neutron: cloud.neutron).quarantine(portID: insecure)
            #expect(result.outcome == .done)
            #expect(result.detail.contains("PortSecurityAndIPRequiredForSecurityGroups"))
            let groupUpdates = cloud.neutronProxy.requests.filter {
                $0.method == "PUT" && $0.json?["port"]?["security_groups"] != nil
            }
            #expect(groupUpdates.count == 1)
            cloud.resetRules()
            #expect(try await cloud.neutron.showPort(insecure)["admin_state_up"] == .bool(false))
            await fixture.remove()
        }

        @Test func batchStopsOnAuthFailure() async throws {
            let cloud = try ProxiedCloud(renewalMargin: 0)
            defer { cloud.stop() }
            let fixture = try await NeutronFixture.make(ports: 3, neutron: cloud.neutron, cidr: "10.89.0.0/24")
            let first = try #require(try await cloud.session.validToken())
            let actions = NeutronPortActions(neutron: cloud.neutron)

            let ports = fixture.portIDs
            cloud.neutronProxy.setRule { request in
                request.headers["x-auth-token"] == first.value && request.method == "PUT"
                    && !request.path.hasSuffix(ports[0])
                    ? .respond(status: 401, body: "{}") : .forward
            }
            cloud.keystoneProxy.setRule { request in
                request.method == "POST" ? .respond(status: 401, body: #"{"error": {"message": "no"}}"#) : .forward
            }
            let results = await runActionBatch(
                ports.map { port in
                    (
                        action: "disable_port", target: port,
                        run: { await actions.setAdminState(portID: port, up: false) }
                    )
                })

            #expect(results.map(\.target) == ports)
            #expect(results[0].outcome == .done)
            #expect(results[1].stopsBatch)
            #expect(results[2].outcome == .failed(reason: "not run: authentication failed earlier in the batch"))
            #expect(cloud.tokenRequests.count == 2)
            #expect(!cloud.logs.text.contains(first.value))
            cloud.resetRules()
            await fixture.remove()
        }
    }
}
