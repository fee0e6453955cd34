import Datalog
import Foundation
import Testing

@testable import DataSources
@testable import OpenStack

extension LiveCloud {
    /// Tests of the Neutron data source against the real Neutron: every table, deltas and cheap polls.
    @Suite struct NeutronDriverTests {
        private func rows(_ deltas: [TableDelta], _ table: String) -> (inserted: Set<Row>, deleted: Set<Row>) {
            let delta = deltas.first { $0.table == "neutronv2:\(table)" }
            return (Set(delta?.inserted ?? []), Set(delta?.deleted ?? []))
        }

        @Test func tablesMatchAPI() async throws {
            let session = try TestCloud.session(TestCloud.adminConfig())
            let neutron = NeutronClient(session: session)
            let network = try await neutron.create(
                "/networks", key: "network", fields: ["name": .string(uniqueName("net")), "project_id": "admin"])
            let networkID = network["id"]!.stringValue!
            let subnet4 = try await neutron.create(
                "/subnets", key: "subnet",
                fields: [
                    "network_id": .string(networkID), "ip_version": 4, "cidr": "10.81.0.0/24", "project_id": "admin",
                    "dns_nameservers": ["10.81.0.53"],
                    "host_routes": [["destination": "10.99.0.0/16", "nexthop": "10.81.0.254"]],
                ])
            let subnet6 = try await neutron.create(
                "/subnets", key: "subnet",
                fields: [
                    "network_id": .string(networkID), "ip_version": 6, "cidr": "2001:DB8:81::/64",
                    "project_id": "admin",
                ])
            let group = try await neutron.createSecurityGroup(
                name: uniqueName("sg"), description: "web", projectID: "admin")
            let groupID = group["id"]!.stringValue!

            let vmPort = try await neutron.createPort([
                "network_id": .string(networkID), "project_id": "admin", "device_id": "vm-1",
                "device_owner": "compute:nova",
                "fixed_ips": [
                    ["subnet_id": subnet4["id"]!, "ip_address": "10.81.0.10"],
                    ["subnet_id": subnet4["id"]!, "ip_address": "10.81.0.11"],
                    ["subnet_id": subnet6["id"]!, "ip_address": "2001:db8:81:0:0:0:0:10"],
                ],
                "security_groups": [.string(groupID)],
                "allowed_address_pairs": [["ip_address": "10.81.0.100"]],
            ])
            let loosePort = try await neutron.createPort([
                "network_id": .string(networkID), "project_id": "admin", "port_security_enabled": false,
                "security_groups": [],
            ])
            let dhcpPort = try await neutron.createPort([
                "network_id": .string(networkID), "project_id": "admin", "device_id": "dhcp-1",
                "device_owner": "network:dhcp",
            ])
            let portIDs = [vmPort, loosePort, dhcpPort].map { $0["id"]!.stringValue! }

            let driver = NeutronDriver(session: session)
            let first = try await driver.poll()
            let vmID = portIDs[0]

            let fixedIPs = rows(first, "fixed_ips").inserted.filter { $0[0] == .string(vmID) }
            #expect(
                fixedIPs.map { $0[1] }.sorted() == ["10.81.0.10", "10.81.0.11", "2001:db8:81::10"].map(Value.string))
            #expect(rows(first, "security_group_port_bindings").inserted.contains([.string(vmID), .string(groupID)]))
            #expect(
                rows(first, "port_details").inserted.contains {
                    $0[0] == .string(portIDs[1]) && $0[1] == .string("False")
                })
            #expect(
                rows(first, "allowed_address_pairs").inserted.contains {
                    $0[0] == .string(vmID) && $0[1] == .string("10.81.0.100")
                })
            #expect(
                rows(first, "ports").inserted.contains {
                    $0[0] == .string(portIDs[2]) && $0[8] == .string("network:dhcp")
                })
            let loose = rows(first, "ports").inserted.first { $0[0] == .string(portIDs[1]) }
            #expect(loose?[7] == .string(""))
            #expect(
                rows(first, "subnets").inserted.contains {
                    $0[0] == CongressValues.value(subnet6["id"]) && $0[5] == .string("2001:db8:81::/64")
                })
            #expect(
                rows(first, "dns_nameservers").inserted.contains([
                    CongressValues.value(subnet4["id"]), .string("10.81.0.53"),
                ]))
            #expect(
                rows(first, "host_routes").inserted.contains([
                    CongressValues.value(subnet4["id"]), .string("10.99.0.0/16"), .string("10.81.0.254"),
                ]))
            #expect(rows(first, "security_group_rules").inserted.filter { $0[0] == .string(groupID) }.count == 2)
            #expect(
                rows(first, "networks").inserted.contains { $0[0] == .string(networkID) && $0[4] == .string("True") })

            // Every port the API lists appears in the ports table, and nothing else.
            let apiPorts = Set(try await neutron.list("ports").compactMap { $0["id"]?.stringValue })
            let tablePorts = Set(await driver.rows(of: "ports").compactMap { $0[0].string })
            #expect(apiPorts == tablePorts)
            #expect(await driver.status().initialized)

            // A poll with no change fetches nothing in full and reports nothing.
            let quiet = try await driver.poll()
            #expect(quiet.isEmpty)
            #expect(await driver.lastFetchedCount == 0)

            // One changed port: only its rows change, and only it is fetched.
            try await neutron.updatePort(vmID, fields: ["admin_state_up": false])
            let changed = try await driver.poll()
            #expect(await driver.lastFetchedCount == 1)
            #expect(changed.map(\.table).sorted() == ["neutronv2:port_details", "neutronv2:ports"])
            #expect(rows(changed, "ports").inserted.first?[5] == .string("False"))
            #expect(rows(changed, "ports").deleted.first?[5] == .string("True"))

            // A deleted port leaves every table it was in.
            try await neutron.deletePort(portIDs[2])
            let removed = try await driver.poll()
            #expect(rows(removed, "ports").deleted.map { $0[0] } == [.string(portIDs[2])])
            #expect(!(await driver.rows(of: "ports")).contains { $0[0] == .string(portIDs[2]) })
            #expect(await driver.status().numberOfUpdates == 3)

            for id in portIDs { try? await neutron.deletePort(id) }
            try? await neutron.delete("/security-groups/\(groupID)")
            try? await neutron.delete("/networks/\(networkID)")
        }

        @Test func pollingLoopDelivers() async throws {
            let clock = ManualOpenStackClock(start: Date())
            let session = try TestCloud.session(TestCloud.adminConfig(), clock: clock)
            let driver = NeutronDriver(session: session, period: 30)
            let received = DeltaCollector()
            let fixture = try await NeutronFixture.make(
                ports: 0, neutron: NeutronClient(session: session), cidr: "10.96.0.0/24")

            let loop = Task {
                await runPolling(driver, clock: clock) { deltas in await received.add(deltas) }
            }
            for _ in 0..<200 where await received.batches.isEmpty {
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            loop.cancel()
            await loop.value

            let first = try #require(await received.batches.first)
            let networks = first.first { $0.table == "neutronv2:networks" }
            #expect(networks?.inserted.contains { $0[0] == .string(fixture.networkID) } == true)
            #expect(clock.sleeps.allSatisfy { $0 == 30 })
            #expect(await driver.status().initialized)
            await fixture.remove()
        }

        @Test func failedPollInStatus() async throws {
            var config = TestCloud.noauthConfig(network: URL(string: "http://127.0.0.1:9")!)
            config.timeout = 1
            let session = try Session(config: config, retryPolicy: .none)
            let driver = NeutronDriver(session: session)
            await #expect(throws: OpenStackError.self) { _ = try await driver.poll() }
            let status = await driver.status()
            #expect(!status.initialized)
            #expect(status.lastError?.contains("127.0.0.1:9") == true)
        }
    }
}

/// Deltas handed over by the polling loop, in order.
actor DeltaCollector {
    private(set) var batches: [[TableDelta]] = []

    func add(_ deltas: [TableDelta]) { batches.append(deltas) }
}
