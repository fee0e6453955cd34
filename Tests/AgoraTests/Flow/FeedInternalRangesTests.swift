import DataSources
import Enforcement
import Foundation
import OpenStack
import Testing

@testable import Agora

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A feed that lists the cloud's own ranges (a tenant subnet, the DHCP port, the metadata
/// service, private and loopback ranges) must not flag the tenant's VMs: the service checks
/// every feed against the subnets and Neutron's own ports it sees, so only the VM that
/// really called the listed external address is flagged, with one action.
@Suite struct FeedInternalRangesTests {
    @Test func onlyTheVMThatCalledOutIsFlagged() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cloud = SimulatedCloud()
        cloud.addProject(name: "tenant")
        cloud.addNetwork(name: "net-a", project: "tenant", cidr: "192.0.2.0/24")
        cloud.addInfrastructurePort(
            owner: "network:router_interface", network: "net-a", address: "192.0.2.1", deviceID: "router-a")
        cloud.addInfrastructurePort(owner: "network:dhcp", network: "net-a", address: "192.0.2.2", deviceID: "dhcp-a")
        var vms: [String: String] = [:]
        for (index, name) in ["vm-a", "vm-b", "vm-c", "vm-d", "vm-e"].enumerated() {
            vms[name] = cloud.addServer(name: name, project: "tenant", network: "net-a", address: "192.0.2.1\(index)")
        }

        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.path)
        try configuration.set("DEFAULT", "bind_port", "0")
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        try configuration.set("enforcement", "default_mode", "enforce")
        configuration.dataSources = [
            DataSourceConfig(name: "simulated", driver: "simulated"),
            DataSourceConfig(name: "ids", driver: "ids"),
            DataSourceConfig(
                name: "blocklist", driver: "blocklist",
                options: ["feeds": "case=" + TestSupport.sharedFile("cases/B16-feed-internal-ranges/feed.txt").path]),
        ]
        let launcher = try await Launcher.start(
            configuration: configuration, simulatedCloud: cloud, logger: Logger(label: "test", level: .error))
        defer { launcher.stop() }
        let client = TestHTTPClient(base: launcher.url)

        let listed = launcher.service.engine.withRuntime {
            $0.rows(of: "blocklist:networks").compactMap { $0.first?.string }
        }
        #expect(listed == ["203.0.113.66/32"])

        let library = try await client.call("GET", "/v1/librarypolicies?name=compromised_vm").json
        let libraryID = try #require(library["results"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try await client.call("POST", "/v1/policies?library_policy=\(libraryID)").status == 201)

        // The traffic the case describes: every VM to DHCP and metadata, vm-a to vm-b, vm-b out
        // to the listed address, vm-c to a private address.
        var lines: [String] = []
        func flow(_ source: String, _ destination: String, _ port: Int, _ proto: String) {
            lines.append(
                #"{"timestamp":"2026-12-04T10:00:00.000000+0000","event_type":"flow","src_ip":"\#(source)","src_port":40000,"#
                    + #""dest_ip":"\#(destination)","dest_port":\#(port),"proto":"\#(proto)"}"#)
        }
        for index in 0..<5 {
            flow("192.0.2.1\(index)", "192.0.2.2", 53, "UDP")
            flow("192.0.2.1\(index)", "169.254.169.254", 80, "TCP")
        }
        flow("192.0.2.10", "192.0.2.11", 443, "TCP")
        flow("192.0.2.11", "203.0.113.66", 443, "TCP")
        flow("192.0.2.12", "10.1.2.3", 443, "TCP")
        var request = URLRequest(url: URL(string: launcher.url + "/v1/data-sources/ids/events")!)
        request.httpMethod = "POST"
        request.httpBody = Data(lines.joined(separator: "\n").utf8)
        _ = try await URLSession.shared.data(for: request)
        launcher.service.settle()
        await launcher.service.settleAll()

        let incidents = try await client.call("GET", "/v1/incidents").json["results"]?.arrayValue ?? []
        #expect(incidents.compactMap { $0["vm_id"]?.stringValue } == [vms["vm-b"]!])
        let actions = try await client.call("GET", "/v1/actions").json["results"]?.arrayValue ?? []
        #expect(actions.count == 1)
        #expect(actions.first?["target"]?["vm_id"] == .string(vms["vm-b"]!))
    }
}
