import DataSources
import Datalog
import Testing

@testable import Enforcement

/// The simulated cloud's inventory read through the same translators as a real cloud's.
@Suite struct SimulatedTranslationTests {
    @Test func novaServersTranslate() throws {
        let cloud = SimulatedCloud.demo()
        let serverID = try #require(cloud.serverID(named: "web-1"))
        let server = try #require(cloud.servers().first { $0["id"]?.stringValue == serverID })

        let tables = NovaTables.servers.translate(server)
        let row = try #require(tables["servers"]?.first)
        #expect(row[0] == .string(serverID))
        #expect(row[1] == .string("web-1"))
        #expect(row[3] == .string("ACTIVE"))
        #expect(row[4] == .string(try #require(cloud.projectID(named: "web"))))
        let address = try #require(tables["servers.addresses"]?.first)
        #expect(address[1] == .string("web-net"))
        #expect(address[2] == .string("10.10.1.11"))
        #expect(address[5] == .string("fixed"))
    }

    @Test func neutronPortsTranslate() throws {
        let cloud = SimulatedCloud.demo()
        let firewall = try #require(cloud.serverID(named: "fw-1"))
        let port = try #require(cloud.ports().first { $0["device_id"]?.stringValue == firewall })
        let portID = try #require(port["id"]?.stringValue)

        let tables = NeutronTables.ports.translate(port)
        #expect(tables["ports"]?.first?[0] == .string(portID))
        #expect(tables["fixed_ips"]?.first?[1] == .string("10.30.1.12"))
        let details = try #require(tables["port_details"]?.first)
        #expect(details[1] == .string("False"))
        #expect((tables["security_group_port_bindings"] ?? []).isEmpty)

        let groups = cloud.securityGroups().flatMap {
            NeutronTables.securityGroups.translate($0)["security_groups"] ?? []
        }
        #expect(groups.count == 3)
        #expect(cloud.subnets().allSatisfy { !(NeutronTables.subnets.translate($0)["subnets"] ?? []).isEmpty })
        #expect(cloud.networks().allSatisfy { !(NeutronTables.networks.translate($0)["networks"] ?? []).isEmpty })
    }
}
