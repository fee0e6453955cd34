import Foundation
import LiveCloudSupport
import OpenStack
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The guide in docs/real-cloud.md, followed as written against the test cloud: `agora serve
/// --config` with Keystone credentials from clouds.yaml, an EVE file and a blocklist feed, then
/// the `agora` client and Congress's own client. Port 1789 is used because that is where the
/// test cloud's Keystone catalog puts the policy service.
@Suite(
    .serialized, .openStackServersLock,
    .enabled(if: NoauthCloud.isUp, "the OpenStack servers are not running without Keystone"))
struct RealCloudServeTests {
    static let url = "http://127.0.0.1:1789"

    static func write(_ text: String, to url: URL) throws { try text.write(to: url, atomically: true, encoding: .utf8) }

    @Test func guideQuarantinesPausesAndReleases() async throws {
        let session = try OpenStackFlowTests.session()
        let neutron = NeutronClient(session: session)
        let nova = NovaClient(session: session)
        let cloud = try await TwoServers.make(neutron: neutron, nova: nova)

        let directory = try TestSupport.temporaryDirectory()
        let clouds = directory.appendingPathComponent("clouds.yaml")
        try Self.write(
            """
            clouds:
              agora-test:
                auth:
                  auth_url: http://127.0.0.1:5000/v3
                  username: admin
                  password: secret
                  project_name: admin
                  user_domain_name: Default
                  project_domain_name: Default
                region_name: RegionOne

            """, to: clouds)
        let configuration = directory.appendingPathComponent("agora.conf")
        try Self.write(
            """
            [DEFAULT]
            bind_host = 127.0.0.1
            bind_port = 1789
            data_dir = \(directory.appendingPathComponent("data").path)
            auth_strategy = keystone

            [openstack]
            cloud = agora-test

            [datasource nova]
            driver = nova
            poll_time = 1

            [datasource neutronv2]
            driver = neutronv2
            poll_time = 1

            [datasource ids]
            driver = ids
            files = \(TestSupport.sharedFile(SimulatedFlowTests.eve).path)

            [datasource blocklist]
            driver = blocklist
            feeds = abusech=\(TestSupport.sharedFile(SimulatedFlowTests.feed).path)

            """, to: configuration)
        let environment = ["OS_CLIENT_CONFIG_FILE": clouds.path, "OS_CLOUD": "agora-test"]

        let server = try ServeChild(arguments: ["serve", "--config", configuration.path], environment: environment)
        defer { server.stop() }
        try await server.waitForHealth(Self.url)

        let agora = { (arguments: [String]) throws -> TestSupport.ProcessResult in
            try ClientRun.agora(arguments, url: Self.url, extra: environment)
        }
        #expect(try agora(["policy", "create", "--from-library", "compromised_vm"]).status == 0)
        #expect(try agora(["rule", "create", "compromised_vm", "response_enabled(\"pause\")"]).status == 0)
        #expect(try agora(["policy", "mode", "compromised_vm", "enforce"]).status == 0)

        var incidentID: String?
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let list = try agora(["incident", "list", "--format", "json"])
            let incidents = (try? JSON.parse(Data(list.standardOutput.utf8), source: "incident list"))?["results"]
            if let incident = incidents?.arrayValue?.first(where: { $0["vm_id"] == .string(cloud.infected) }),
                incident["state"] == "contained", try await nova.server(cloud.infected)["status"] == "PAUSED"
            {
                incidentID = incident["id"]?.stringValue
                break
            }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        let id = try #require(incidentID, "no contained incident; server log: \(server.log)")

        let groups = try await neutron.showPort(cloud.port)["security_groups"]?.arrayValue ?? []
        #expect(groups.count == 1 && groups != cloud.groupsBefore.arrayValue)
        #expect(try await nova.server(cloud.bystander)["status"] == "ACTIVE")

        let rows = try TestSupport.run(
            URL(fileURLWithPath: "/tmp/ostack/venv/bin/openstack"),
            [
                "--os-cloud", "agora-test", "congress", "policy", "row", "list", "compromised_vm", "error", "-f",
                "value",
            ],
            environment: environment)
        #expect(rows.status == 0, "\(rows.standardError)")
        #expect(rows.standardOutput.contains(cloud.infected))

        let released = try agora(["incident", "release", id])
        #expect(released.status == 0, "\(released.standardError)")
        #expect(try await neutron.showPort(cloud.port)["security_groups"] == cloud.groupsBefore)
        #expect(try await nova.server(cloud.infected)["status"] == "ACTIVE")
        server.stop()
        await cloud.remove(nova: nova)
    }
}

/// A network with the infected address on one server's port and a second server beside it.
struct TwoServers {
    let infected: String
    let bystander: String
    let port: String
    let groupsBefore: JSON

    static func make(neutron: NeutronClient, nova: NovaClient) async throws -> TwoServers {
        try await OpenStackFlowTests.removeLeftovers(neutron, nova)
        try await neutron.service.send(
            "PUT", "/quotas/admin", body: ["quota": ["security_group": -1, "port": -1, "network": -1, "subnet": -1]])
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let network = try await neutron.create(
            "/networks", key: "network", fields: ["name": .string("agora-guide-\(suffix)"), "project_id": "admin"])
        let networkID = try #require(network["id"]?.stringValue)
        let subnet = try await neutron.create(
            "/subnets", key: "subnet",
            fields: ["network_id": .string(networkID), "ip_version": 4, "cidr": "172.17.0.0/24", "project_id": "admin"])
        let port = try await neutron.createPort([
            "network_id": .string(networkID), "project_id": "admin",
            "fixed_ips": [
                ["subnet_id": subnet["id"] ?? .null, "ip_address": .string(SimulatedFlowTests.infected)]
            ],
        ])
        let portID = try #require(port["id"]?.stringValue)
        let flavor = try await nova.createFlavor([
            "name": .string("agora-guide-\(suffix)"), "ram": 64, "vcpus": 1, "disk": 1,
        ])
        let image = "155d900f-4e14-4e4c-a73d-069cbf4541e6"
        let infected = try await ServerBoot.bootActive(
            nova,
            [
                "name": .string("agora-guide-infected-\(suffix)"), "imageRef": .string(image),
                "flavorRef": flavor["id"]!,
                "networks": [["port": .string(portID)]],
            ])
        let bystander = try await ServerBoot.bootActive(
            nova,
            [
                "name": .string("agora-guide-bystander-\(suffix)"), "imageRef": .string(image),
                "flavorRef": flavor["id"]!,
                "networks": [["uuid": .string(networkID)]],
            ])
        let groups = try await neutron.showPort(portID)["security_groups"] ?? .null
        return TwoServers(infected: infected, bystander: bystander, port: portID, groupsBefore: groups)
    }

    func remove(nova: NovaClient) async {
        try? await nova.deleteServer(infected)
        try? await nova.deleteServer(bystander)
    }
}

/// An `agora serve` child with its output kept in a file.
final class ServeChild: @unchecked Sendable {
    private let process = Process()
    private let logURL: URL

    init(arguments: [String], environment: [String: String]) throws {
        logURL = try TestSupport.temporaryDirectory().appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.executableURL = TestSupport.agoraBinary
        process.arguments = arguments
        process.environment = ClientRun.environment(url: nil, extra: environment)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func waitForHealth(_ url: String) async throws {
        for _ in 0..<100 {
            if !process.isRunning { break }
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: url + "/healthz")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw ClientRun.Failure.status(process.isRunning ? 0 : process.terminationStatus, log)
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
    }
}
