import Datalog
import Foundation
import Testing

@testable import DataSources
@testable import OpenStack

extension LiveCloud {
    /// Tests of the Nova data source and server actions against the real Nova on its fake driver.
    @Suite struct NovaTests {
        /// Boots a server with one port on each of two networks and waits until it is ACTIVE.
        private func bootServer(_ session: Session) async throws -> (server: String, fixtures: [NeutronFixture]) {
            let neutron = NeutronClient(session: session)
            let nova = NovaClient(session: session)
            let first = try await NeutronFixture.make(ports: 0, neutron: neutron, cidr: "10.91.0.0/24")
            let second = try await NeutronFixture.make(ports: 0, neutron: neutron, cidr: "10.92.0.0/24")
            let flavor = try await nova.createFlavor([
                "name": .string(uniqueName("flavor")), "ram": 64, "vcpus": 1, "disk": 1,
            ])
            let fields: [String: JSON] = [
                "name": .string(uniqueName("vm")), "imageRef": .string(TestCloud.imageID),
                "flavorRef": flavor["id"]!,
                "networks": [["uuid": .string(first.networkID)], ["uuid": .string(second.networkID)]],
            ]
            let serverID = try await TestCloud.bootActive(nova, fields)
            return (serverID, [first, second])
        }

        @Test func serverTablesAndActions() async throws {
            let session = try TestCloud.session(TestCloud.adminConfig())
            let (serverID, fixtures) = try await bootServer(session)
            let nova = NovaClient(session: session)
            let driver = NovaDriver(session: session)

            // Tables: the server row and one address row per port, matching the API.
            let first = try await driver.poll()
            let server = try await nova.server(serverID)
            let serverRow = try #require(
                first.first { $0.table == "nova:servers" }?.inserted.first { $0[0] == .string(serverID) })
            #expect(serverRow[3] == .string("ACTIVE"))
            #expect(serverRow[6] == .string(TestCloud.imageID))
            #expect(serverRow[7] == CongressValues.value(server["flavor"]?["id"]))
            let addresses = await driver.rows(of: "servers.addresses").filter { $0[0] == .string(serverID) }
            let ports = try await NeutronClient(session: session).list("ports", query: [("device_id", serverID)])
            #expect(ports.count == 2)
            let portAddresses = Set(
                ports.flatMap { $0["fixed_ips"]?.arrayValue ?? [] }.compactMap { $0["ip_address"]?.stringValue })
            #expect(Set(addresses.compactMap { $0[2].string }) == portAddresses)
            #expect(addresses.allSatisfy { $0[5] == .string("fixed") })
            #expect(!(await driver.rows(of: "flavors")).isEmpty)
            #expect(!(await driver.rows(of: "hypervisors")).isEmpty)

            let actions = NovaServerActions(session: session)
            #expect(await actions.perform(.pause, serverID: serverID).outcome == .done)
            #expect(await actions.perform(.pause, serverID: serverID).outcome == .alreadyInState)
            let paused = try await driver.poll()
            let statusChange = paused.first { $0.table == "nova:servers" }
            #expect(statusChange?.inserted.first?[3] == .string("PAUSED"))
            #expect(statusChange?.deleted.first?[3] == .string("ACTIVE"))
            // The second poll asks only for servers changed lately: at most those Nova lists as
            // changed in the last few minutes (other tests' servers included), not all of them.
            let since = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-300))
            let changed =
                try await nova.service.send(
                    "GET", "/servers/detail?all_tenants=1&changes-since=\(since)")["servers"]?.arrayValue ?? []
            let all = try await nova.service.send("GET", "/servers/detail?all_tenants=1")["servers"]?.arrayValue ?? []
            #expect(await driver.lastFetchedCount <= changed.count)
            #expect(await driver.lastFetchedCount < all.count || all.count <= changed.count)

            #expect(await actions.perform(.unpause, serverID: serverID).outcome == .done)
            #expect(await actions.perform(.suspend, serverID: serverID).outcome == .done)
            #expect(await actions.perform(.resume, serverID: serverID).outcome == .done)

            #expect(
                await actions.perform(.lock, serverID: serverID, lockReason: "quarantine by Agora").outcome == .done)
            let locked = try await NovaClient(session: session, microversion: "2.73").server(serverID)
            #expect(locked["locked_reason"] == .string("quarantine by Agora"))
            #expect(await actions.perform(.lock, serverID: serverID).outcome == .alreadyInState)
            #expect(await actions.perform(.unlock, serverID: serverID).outcome == .done)

            // Nova finds a group by name in the request's project: "admin" when the servers run
            // without Keystone, the admin project's id when they check tokens.
            let token = try #require(try await session.validToken())
            let groupProject = TestCloud.isKeystone ? token.projectID : "admin"
            let group = try await NeutronClient(session: session).createSecurityGroup(
                name: uniqueName("novasg"), description: "", projectID: groupProject)
            let groupName = group["name"]!.stringValue!
            #expect(
                await actions.changeSecurityGroup(serverID: serverID, groupName: groupName, add: true).outcome == .done)
            let portGroups = try await NeutronClient(session: session).showPort(ports[0]["id"]!.stringValue!)[
                "security_groups"]
            #expect(portGroups?.arrayValue?.contains(group["id"]!) == true)
            #expect(
                await actions.changeSecurityGroup(serverID: serverID, groupName: groupName, add: true).outcome
                    == .alreadyInState)
            #expect(
                await actions.changeSecurityGroup(serverID: serverID, groupName: groupName, add: false).outcome == .done
            )

            #expect(await actions.perform(.stop, serverID: serverID).outcome == .done)
            let conflict = await actions.perform(.pause, serverID: serverID)
            guard case .failed(let reason) = conflict.outcome else {
                Issue.record("pausing a stopped server gave \(conflict)")
                return
            }
            #expect(reason.contains("stopped"))

            // A deleted server leaves the tables on the next poll, found through changes-since.
            try await nova.deleteServer(serverID)
            for _ in 0..<120 {
                do {
                    _ = try await nova.server(serverID)
                    try await Task.sleep(nanoseconds: 250_000_000)
                } catch {
                    break
                }
            }
            let gone = try await driver.poll()
            #expect(gone.first { $0.table == "nova:servers" }?.deleted.contains { $0[0] == .string(serverID) } == true)
            #expect(!(await driver.rows(of: "servers.addresses")).contains { $0[0] == .string(serverID) })
            #expect(
                await actions.perform(.pause, serverID: serverID).outcome == .failed(reason: "server not found (gone)"))

            try? await NeutronClient(session: session).delete("/security-groups/\(group["id"]!.stringValue!)")
            for fixture in fixtures { await fixture.remove() }
        }

        @Test(.enabled(if: TestCloud.isNoauth, "the servers take the identity from the token only without Keystone"))
        func memberSkipsAdminTables() async throws {
            var config = CloudConfig()
            config.authType = .adminToken
            config.token = "demo-user:demo-project"
            config.endpointOverrides = ["compute": TestCloud.novaURL]
            let driver = NovaDriver(session: try TestCloud.session(config), allTenants: false)

            _ = try await driver.poll()
            #expect(await driver.forbiddenTables == ["hypervisors", "services"])
            #expect(await driver.rows(of: "hypervisors").isEmpty)
            #expect(!(await driver.rows(of: "flavors")).isEmpty)
            #expect(await driver.status().initialized)
        }
    }
}
