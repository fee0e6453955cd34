import Datalog
import Foundation
import Testing

@testable import DataSources
@testable import OpenStack

@Suite struct TranslationTests {
    /// The shared test data beside the repository (`../shared`), found from this file's path.
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared").path
    static let samples = "\(shared)/data/openstack"
    static let cases = "\(shared)/cases"

    private func sampleFiles(_ service: String) -> [String] {
        let root = "\(TranslationTests.samples)/\(service)"
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".json") || $0.hasSuffix(".txt") }.map { "\(root)/\($0)" }.sorted()
    }

    @Test(arguments: ["nova", "neutron"])
    func everySampleTranslates(service: String) throws {
        let files = sampleFiles(service)
        #expect(files.count > 50)
        var factCount = 0
        for file in files {
            let result = try ResponseTranslation.translateFile(driver: service, path: file)
            factCount += result.facts.count
        }
        #expect(factCount > 40)
    }

    @Test func everyFixedIPIndexed() throws {
        let result = try ResponseTranslation.translateFile(
            driver: "neutron", path: "\(Self.cases)/B21-ip-to-port-mapping/ports.json")
        let fixedIPs = result.facts.filter { $0.hasPrefix("neutronv2:fixed_ips(") }
        #expect(
            Set(fixedIPs) == [
                #"neutronv2:fixed_ips("p0", "192.0.2.30", "sub-a")"#,
                #"neutronv2:fixed_ips("p1", "192.0.2.10", "sub-a")"#,
                #"neutronv2:fixed_ips("p1", "2001:db8:1::10", "sub-a6")"#,
                #"neutronv2:fixed_ips("p2", "198.51.100.40", "sub-b")"#,
                #"neutronv2:fixed_ips("p3", "192.0.2.99", "sub-a")"#,
                #"neutronv2:fixed_ips("p4", "192.0.2.2", "sub-a")"#,
                #"neutronv2:fixed_ips("p5", "192.0.2.1", "sub-a")"#,
            ])
        #expect(fixedIPs.count == 7)
        #expect(
            result.facts.contains(
                #"neutronv2:ports("p5", "t1", "", "net-a", "fa:16:3e:00:00:15", "True", "ACTIVE", "router-1", "network:router_interface")"#
            ))
        #expect(result.facts.contains(#"neutronv2:port_details("p4", "False", "None")"#))
    }

    @Test func portColumnsAndConventions() {
        let port: JSON = [
            "id": "p1", "project_id": "t9", "name": "n", "network_id": "net", "mac_address": "fa:16:3e:00:00:01",
            "admin_state_up": false, "status": "DOWN", "device_id": "", "device_owner": "",
            "port_security_enabled": true, "revision_number": 7,
            "fixed_ips": [
                ["ip_address": "2001:DB8:0:0:0:0:0:1", "subnet_id": "s6"],
                ["ip_address": "::ffff:10.0.0.5", "subnet_id": "s4"],
            ],
            "security_groups": ["sg1", "sg2"],
            "allowed_address_pairs": [["ip_address": "10.0.0.0/24", "mac_address": "fa:16:3e:00:00:01"]],
        ]
        let rows = NeutronTables.ports.translate(port)
        #expect(
            rows["ports"] == [["p1", "t9", "n", "net", "fa:16:3e:00:00:01", "False", "DOWN", "", ""].map(Value.string)])
        #expect(
            rows["fixed_ips"] == [
                [.string("p1"), .string("2001:db8::1"), .string("s6")],
                [.string("p1"), .string("10.0.0.5"), .string("s4")],
            ])
        #expect(rows["security_group_port_bindings"]?.count == 2)
        #expect(rows["port_details"] == [[.string("p1"), .string("True"), .int(7)]])
        #expect(
            rows["allowed_address_pairs"] == [[.string("p1"), .string("10.0.0.0/24"), .string("fa:16:3e:00:00:01")]])
    }

    @Test func schemasMatchCongress() {
        let neutron = Dictionary(uniqueKeysWithValues: NeutronTables.schemas.map { ($0.name, $0.columns) })
        #expect(
            neutron["ports"] == [
                "id", "tenant_id", "name", "network_id", "mac_address", "admin_state_up", "status", "device_id",
                "device_owner",
            ])
        #expect(
            neutron["subnets"] == [
                "id", "tenant_id", "name", "network_id", "ip_version", "cidr", "gateway_ip", "enable_dhcp",
                "ipv6_ra_mode", "ipv6_address_mode",
            ])
        #expect(
            neutron["security_group_rules"] == [
                "security_group_id", "id", "tenant_id", "remote_group_id", "direction", "ethertype", "protocol",
                "port_range_min", "port_range_max", "remote_ip_prefix",
            ])
        #expect(
            neutron["floating_ips"] == [
                "id", "router_id", "tenant_id", "floating_network_id", "fixed_ip_address", "floating_ip_address",
                "port_id", "status",
            ])
        #expect(neutron["routers"] == ["id", "tenant_id", "status", "admin_state_up", "name", "distributed"])
        #expect(neutron["fixed_ips"] == ["port_id", "ip_address", "subnet_id"])
        #expect(neutron["security_group_port_bindings"] == ["port_id", "security_group_id"])
        #expect(neutron["allowed_address_pairs"] == ["port_id", "ip_address", "mac_address"])
        let nova = Dictionary(uniqueKeysWithValues: NovaTables.schemas.map { ($0.name, $0.columns) })
        #expect(
            nova["servers"] == [
                "id", "name", "host_id", "status", "tenant_id", "user_id", "image_id", "flavor_id", "zone", "host_name",
                "created_at",
            ])
        #expect(
            nova["servers.addresses"] == [
                "server_id", "network_name", "address", "version", "mac_address", "address_type",
            ])
        #expect(nova["flavors"] == ["id", "name", "vcpus", "ram", "disk", "ephemeral", "rxtx_factor"])
        #expect(
            nova["services"] == [
                "service_id", "binary", "host", "zone", "status", "state", "updated_at", "disabled_reason",
            ])
        #expect(nova["hypervisors"] == ["hypervisor_hostname", "id", "state", "status"])
        #expect(nova["availability_zones"] == ["zone", "state"])
        #expect(nova["tags"] == ["server_id", "tag"])
    }

    @Test func novaServerSample() throws {
        let result = try ResponseTranslation.translateFile(
            driver: "nova", path: "\(Self.samples)/nova/api_samples/servers/v2.47/servers-details-resp.json")
        #expect(
            result.facts.contains(
                #"nova:servers("764e369e-a874-4401-b7ce-43e4760888da", "new-server-test", "2091634baaccdc4c5a1d57069c833e402921df696b7f970791b12ec6", "ACTIVE", "6f70656e737461636b20342065766572", "admin", "70a599e0-31e7-49b7-b260-868f441e862b", "m1.tiny.specs", "us-west", "fake-mini", "2017-02-14T19:24:42Z")"#
            ))
        #expect(
            result.facts.contains(
                #"nova:servers.addresses("764e369e-a874-4401-b7ce-43e4760888da", "private", "192.168.1.30", 4, "00:0c:29:0d:11:74", "fixed")"#
            ))
    }

    @Test func transcriptWithoutBody() throws {
        let result = try ResponseTranslation.translateFile(
            driver: "neutron",
            path: "\(Self.samples)/neutron/api-ref-samples/security-groups/security-group-delete-response-json-http.txt"
        )
        #expect(result.facts.isEmpty)
        #expect(result.notes.count == 1)
    }

    @Test func unknownDriverNamed() {
        #expect(throws: ResponseTranslation.Failure.self) {
            _ = try ResponseTranslation.translateFile(driver: "glance", path: "/dev/null")
        }
    }

    @Test func benchmarkCountsRows() {
        let report = OpenStackBenchmark.run(servers: 50)
        #expect(report.ports == 100)
        // Per server: 1 servers row and 4 address rows; per port: 1 ports, 2 fixed_ips,
        // 1 binding and 1 port_details row.
        #expect(report.translatedRows == 50 * 5 + 100 * 5)
        #expect(report.lines.count == 4)
    }
}
