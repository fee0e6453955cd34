import DataSources
import Foundation
import LiveCloudSupport
import OpenStack
import Testing

@testable import Agora

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The compromised-VM flow against the real Nova and Neutron on 127.0.0.1 (started without
/// Keystone by `make openstack`): a real EVE file, a real feed file, quarantine and pause, release.
@Suite(
    .serialized, .openStackServersLock,
    .enabled(if: NoauthCloud.isUp, "the OpenStack servers are not running without Keystone"))
struct OpenStackFlowTests {}

/// Whether the test servers answer without Keystone, as `make openstack` starts them.
enum NoauthCloud {
    static let isUp = HTTPProbe.status(URL(string: "http://127.0.0.1:9696/v2.0/networks")!) == 200
}

extension OpenStackFlowTests {
    static func session() throws -> Session {
        var config = CloudConfig()
        config.authType = .none
        config.endpointOverrides = [
            "compute": URL(string: "http://127.0.0.1:8774/v2.1")!, "network": URL(string: "http://127.0.0.1:9696")!,
        ]
        return try Session(config: config)
    }

    /// Deletes servers and ports that an interrupted earlier run left holding the infected address.
    static func removeLeftovers(_ neutron: NeutronClient, _ nova: NovaClient) async throws {
        let ports = try await neutron.list("ports", query: [("fixed_ips", "ip_address=\(SimulatedFlowTests.infected)")])
        for port in ports {
            if let device = port["device_id"]?.stringValue, !device.isEmpty { try? await nova.deleteServer(device) }
            if let id = port["id"]?.stringValue { try? await neutron.deletePort(id) }
        }
    }

    @Test func quarantineAndPauseThenRelease() async throws {
        let session = try Self.session()
        let neutron = NeutronClient(session: session)
        let nova = NovaClient(session: session)
        try await Self.removeLeftovers(neutron, nova)
        try await neutron.service.send(
            "PUT", "/quotas/admin", body: ["quota": ["security_group": -1, "port": -1, "network": -1, "subnet": -1]])

        let suffix = UUID().uuidString.prefix(8).lowercased()
        let network = try await neutron.create(
            "/networks", key: "network", fields: ["name": .string("agora-flow-\(suffix)"), "project_id": "admin"])
        let networkID = try #require(network["id"]?.stringValue)
        let subnet = try await neutron.create(
            "/subnets", key: "subnet",
            fields: ["network_id": .string(networkID), "ip_version": 4, "cidr": "172.17.0.0/24", "project_id": "admin"])
        let subnetID = try #require(subnet["id"]?.stringValue)
        let port = try await neutron.createPort([
            "network_id": .string(networkID), "project_id": "admin",
            "fixed_ips": [["subnet_id": .string(subnetID), "ip_address": .string(SimulatedFlowTests.infected)]],
        ])
        let portID = try #require(port["id"]?.stringValue)
        let flavor = try await nova.createFlavor([
            "name": .string("agora-flow-\(suffix)"), "ram": 64, "vcpus": 1, "disk": 1,
        ])
        let image = "155d900f-4e14-4e4c-a73d-069cbf4541e6"
        let infected = try await ServerBoot.bootActive(
            nova,
            [
                "name": .string("agora-infected-\(suffix)"), "imageRef": .string(image), "flavorRef": flavor["id"]!,
                "networks": [["port": .string(portID)]],
            ])
        let bystander = try await ServerBoot.bootActive(
            nova,
            [
                "name": .string("agora-bystander-\(suffix)"), "imageRef": .string(image), "flavorRef": flavor["id"]!,
                "networks": [["uuid": .string(networkID)]],
            ])
        let groupsBefore = try await neutron.showPort(portID)["security_groups"]

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agora-osflow-\(suffix)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = try SimulatedFlowTests.configuration(directory)
        configuration.dataSources.removeAll { $0.driver == "simulated" }
        configuration.dataSources += [
            DataSourceConfig(name: "nova", driver: "nova", options: ["poll_time": "1"]),
            DataSourceConfig(name: "neutronv2", driver: "neutronv2", options: ["poll_time": "1"]),
        ]
        try configuration.set("openstack", "auth_type", "none")
        try configuration.set("openstack", "compute_endpoint", "http://127.0.0.1:8774/v2.1")
        try configuration.set("openstack", "network_endpoint", "http://127.0.0.1:9696")
        let launcher = try await Launcher.start(
            configuration: configuration, logger: Logger(label: "test", level: .error))
        defer { launcher.stop() }
        let client = TestHTTPClient(base: launcher.url)

        let library = try await client.call("GET", "/v1/librarypolicies?name=compromised_vm").json
        let libraryID = try #require(library["results"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try await client.call("POST", "/v1/policies?library_policy=\(libraryID)").status == 201)
        let pause = try await client.call(
            "POST", "/v1/policies/compromised_vm/rules", ["rule": "response_enabled(\"pause\")"])
        #expect(pause.status == 201)

        let incidents = try await client.poll("/v1/incidents", seconds: 90) { json in
            let incident = json["results"]?.arrayValue?.first { $0["vm_id"] == .string(infected) }
            let actions = incident?["actions"]?.arrayValue ?? []
            return actions.count == 2 && actions.allSatisfy { $0["state"] == "verified" }
        }
        let incident = try #require(incidents["results"]?.arrayValue?.first { $0["vm_id"] == .string(infected) })
        let actions = try await client.call("GET", "/v1/actions").json
        #expect(incident["state"] == "contained", "\(actions)")
        #expect((incidents["results"]?.arrayValue ?? []).allSatisfy { $0["vm_id"] != .string(bystander) })

        let quarantined = try await neutron.showPort(portID)
        let groups = quarantined["security_groups"]?.arrayValue ?? []
        #expect(groups.count == 1 && groups != groupsBefore?.arrayValue)
        let group = try await neutron.showSecurityGroup(groups.first?.stringValue ?? "")
        #expect(group["name"] == "agora-quarantine")
        #expect(try await nova.server(infected)["status"] == "PAUSED")
        #expect(try await nova.server(bystander)["status"] == "ACTIVE")

        let id = try #require(incident["id"]?.stringValue)
        let released = try await client.call("POST", "/v1/incidents/\(id)?action=release", [:])
        #expect(released.json["results"]?.arrayValue?.count == 2)
        #expect(try await neutron.showPort(portID)["security_groups"] == groupsBefore)
        #expect(try await nova.server(infected)["status"] == "ACTIVE")
        launcher.stop()
        try? await nova.deleteServer(infected)
        try? await nova.deleteServer(bystander)
    }
}
