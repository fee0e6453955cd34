import DataSources
import Enforcement
import Foundation
import OpenStack
import Testing

@testable import Agora

/// The compromised-VM flow in one process against the simulated cloud: a real EVE file and a
/// real feed file, the library policy in enforce mode, the quarantine and its release.
@Suite struct SimulatedFlowTests {
    static let eve = "data/ids/suricata/eve/alaajili_EVE-Json-Parser/eve.json"
    static let feed = "data/blocklists/criticalpath-public-feeds/abuse-ch-ipblocklist.txt"
    /// The source of the file's TLS session to an address the feed lists.
    static let infected = "172.17.0.153"

    static func configuration(_ directory: URL) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.path)
        try configuration.set("DEFAULT", "bind_port", "0")
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        try configuration.set("enforcement", "default_mode", "enforce")
        configuration.dataSources = [
            DataSourceConfig(name: "simulated", driver: "simulated"),
            DataSourceConfig(
                name: "ids", driver: "ids",
                options: ["files": TestSupport.sharedFile(eve).path, "poll_interval_ms": "50"]),
            DataSourceConfig(
                name: "blocklist", driver: "blocklist",
                options: ["feeds": "abusech=" + TestSupport.sharedFile(feed).path]),
        ]
        return configuration
    }

    @Test func quarantineThenReleaseRestoresThePort() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agora-flow-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cloud = SimulatedCloud.demo()
        cloud.addProject(name: "lab")
        cloud.addNetwork(name: "lab-net", project: "lab", cidr: "172.17.0.0/24")
        let vm = cloud.addServer(name: "lab-1", project: "lab", network: "lab-net", address: Self.infected)
        let bystander = cloud.addServer(name: "lab-2", project: "lab", network: "lab-net", address: "172.17.0.154")
        let groupsBefore = cloud.ports(ofDevice: vm).map(\.securityGroups)

        let launcher = try await Launcher.start(
            configuration: try Self.configuration(directory), simulatedCloud: cloud,
            logger: Logger(label: "test", level: .error))
        defer { launcher.stop() }
        let client = TestHTTPClient(base: launcher.url)

        let library = try await client.call("GET", "/v1/librarypolicies?name=compromised_vm").json
        let libraryID = try #require(library["results"]?.arrayValue?.first?["id"]?.stringValue)
        let created = try await client.call("POST", "/v1/policies?library_policy=\(libraryID)")
        #expect(created.status == 201)
        #expect(created.json["mode"] == "enforce")

        let incidents = try await client.poll("/v1/incidents") { json in
            json["results"]?.arrayValue?.first?["state"] == "contained"
        }
        let incident = try #require(incidents["results"]?.arrayValue?.first)
        #expect(incident["vm_id"] == .string(vm))
        #expect(incident["source_ip"] == .string(Self.infected))
        #expect(incident["external_ips"]?.arrayValue?.contains("193.200.16.175") == true)
        let id = try #require(incident["id"]?.stringValue)

        let detail = try await client.call("GET", "/v1/incidents/\(id)").json
        let action = try #require(detail["actions"]?.arrayValue?.first)
        #expect(action["response"] == "quarantine")
        #expect(action["state"] == "verified")
        #expect((detail["evidence"]?.arrayValue ?? []).contains { $0["table"] == "ids:ip_blacklist" })
        #expect(detail["proof"]?["basis"] == "rule")
        let quarantined = cloud.ports(ofDevice: vm).map(\.securityGroups)
        #expect(quarantined != groupsBefore)
        #expect(cloud.ports(ofDevice: bystander).allSatisfy { $0.securityGroups != quarantined.first })

        let released = try await client.call("POST", "/v1/incidents/\(id)?action=release", [:])
        #expect(released.status == 200)
        #expect(released.json["results"]?.arrayValue?.first?["state"] == "released")
        #expect(cloud.ports(ofDevice: vm).map(\.securityGroups) == groupsBefore)
        let after = try await client.call("GET", "/v1/incidents/\(id)").json
        #expect(after["state"] == "released")

        // The row stays derived, and the released action does not fire again on its own.
        try await Task.sleep(nanoseconds: 500_000_000)
        let actions = try await client.call("GET", "/v1/actions").json["results"]?.arrayValue ?? []
        #expect(actions.filter { $0["response"] == "quarantine" }.count == 1)
    }
}
