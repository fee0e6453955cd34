import DataSources
import Enforcement
import Foundation
import OpenStack
import Testing

@testable import Agora

/// The compromised-VM flow with real packets. A VM sends UDP and TCP through a hypervisor to a
/// blocklisted host. `agora sensor` captures on the hypervisor and streams EVE lines to Agora's
/// `ids` source over a unix socket, whose path reaches across network namespaces where a
/// loopback HTTP address does not. The `compromised_vm` policy then blocks the VM with nftables
/// in the hypervisor's namespace, and the receiver on the bad host counts what arrives.
///
/// Needs root (namespaces, nftables, conntrack, python3); skipped only where network namespaces
/// cannot be created. `make test` runs this suite on its own after the others, because its 1 s
/// limit measures the service and not the other tests' load on the cores.
@Suite(.serialized) struct RealTrafficTests {
    /// The longest accepted time from the VM's first packet to the address in the drop set.
    static let blockLimitSeconds = 1.0

    static func configuration(_ directory: URL, lab: TrafficLab, feed: URL) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.appendingPathComponent("data").path)
        try configuration.set("DEFAULT", "bind_port", "0")
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        try configuration.set("enforcement", "nft_namespace", lab.hypervisor.name)
        configuration.dataSources = [
            DataSourceConfig(name: "simulated", driver: "simulated"),
            DataSourceConfig(
                name: "ids", driver: "ids", options: ["socket": directory.appendingPathComponent("ids.sock").path]),
            DataSourceConfig(name: "blocklist", driver: "blocklist", options: ["feeds": "lab=" + feed.path]),
        ]
        return configuration
    }

    @Test(
        .enabled(
            if: TrafficLab.canCreateNamespaces,
            "skipped: needs root and permission to create network namespaces with `ip netns add`"))
    func blockCutsTrafficAndReleaseRestoresIt() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = try TrafficLab.make()
        defer { lab.delete() }
        var children: [Process] = []
        // Runs before the namespaces are deleted, because defers run in reverse order.
        defer { children.forEach(stopProcess) }

        let feed = directory.appendingPathComponent("blocklist.txt")
        try Data("\(TrafficLab.badHostAddress)\n".utf8).write(to: feed)
        let cloud = SimulatedCloud()
        cloud.addProject(name: "lab")
        cloud.addNetwork(name: "lab-net", project: "lab", cidr: "192.0.2.0/24")
        let vm = cloud.addServer(name: "vm-1", project: "lab", network: "lab-net", address: TrafficLab.vmAddress)

        let launcher = try await Launcher.start(
            configuration: try Self.configuration(directory, lab: lab, feed: feed), simulatedCloud: cloud,
            logger: Logger(label: "test", level: .error))
        defer { launcher.stop() }
        let client = TestHTTPClient(base: launcher.url)
        try await enableBlocking(client)

        // The receiver starts first, then the sensor. The sender starts once both are ready.
        let received = directory.appendingPathComponent("received.json")
        children.append(
            try TrafficLab.start(
                in: lab.badHost, ["python3", "-c", TrafficPrograms.receiver, received.path],
                log: directory.appendingPathComponent("receiver.log")))
        try #require(
            await waitUntil(seconds: 5) { TrafficPrograms.read(TrafficPrograms.Received.self, from: received) != nil })

        let sensorLog = directory.appendingPathComponent("sensor.log")
        children.append(
            try TrafficLab.start(
                in: lab.hypervisor,
                [
                    SensorLiveCaptureTests.agora.path, "sensor", "--interface", lab.captureInterface, "--blocklist",
                    feed.path, "--socket", directory.appendingPathComponent("ids.sock").path,
                ], log: sensorLog))
        let sensorReady = await waitUntil(seconds: 10) {
            (try? String(contentsOf: sensorLog, encoding: .utf8))?.contains("reading \(lab.captureInterface)") == true
        }
        try #require(
            sensorReady, "the sensor did not start: \((try? String(contentsOf: sensorLog, encoding: .utf8)) ?? "")")
        let inventory = try await client.poll("/v1/data-sources/simulated/status", seconds: 10) {
            $0["initialized"] == "True"
        }
        try #require(inventory["initialized"] == "True")

        let sent = directory.appendingPathComponent("sent.json")
        children.append(
            try TrafficLab.start(
                in: lab.vm, ["python3", "-c", TrafficPrograms.sender, TrafficLab.badHostAddress, sent.path],
                log: directory.appendingPathComponent("sender.log")))

        // Time from the VM's first packet to the VM's address in the drop set. Each check starts
        // an nft process, so checks 20 ms apart leave the cores to the service being measured.
        let blockedAt = await timeWhen(seconds: 10, interval: 0.02) { lab.isBlocked(TrafficLab.vmAddress) }
        guard let blockedAt else {
            let actions = try await client.call("GET", "/v1/actions").json
            let packets = try await client.call("GET", "/v1/data-sources/ids/tables/ip_packet/rows").json
            Issue.record(
                """
                the VM's address never reached the drop set
                sensor: \(log(sensorLog))
                sent: \(log(sent)); received: \(log(received))
                ids:ip_packet rows: \(packets.text)
                actions: \(actions.text)
                """)
            return
        }
        let firstSend = try #require(TrafficPrograms.read(TrafficPrograms.Sent.self, from: sent)?.firstSend)
        let seconds = blockedAt.timeIntervalSince1970 - firstSend
        print("real traffic: first bad packet to drop rule in \(Int((seconds * 1000).rounded())) ms")
        #expect(seconds <= Self.blockLimitSeconds, "the block took \(seconds) s")

        // Before the block the traffic arrived: datagrams and bytes on the first TCP session.
        try await Task.sleep(nanoseconds: 300_000_000)
        let atBlock = try #require(TrafficPrograms.read(TrafficPrograms.Received.self, from: received))
        let sentAtBlock = try #require(TrafficPrograms.read(TrafficPrograms.Sent.self, from: sent))
        #expect(atBlock.udpDatagrams > 0)
        #expect(atBlock.udpBytes == atBlock.udpDatagrams * 100)
        #expect((atBlock.tcpBytes.first ?? 0) > 0)

        // While blocked nothing arrives, though the VM keeps sending, and the TCP session ends.
        let sessionCut = await waitUntil(seconds: 8) {
            (TrafficPrograms.read(TrafficPrograms.Sent.self, from: sent)?.tcpFailures ?? 0) > 0
        }
        #expect(sessionCut, "the VM's TCP session outlived the block")
        let keptSending = await waitUntil(seconds: 8) {
            (TrafficPrograms.read(TrafficPrograms.Sent.self, from: sent)?.udpSent ?? 0) >= sentAtBlock.udpSent + 10
        }
        #expect(keptSending, "the VM stopped sending: \(log(sent))")
        let whileBlocked = try #require(TrafficPrograms.read(TrafficPrograms.Received.self, from: received))
        #expect(whileBlocked == atBlock)

        try await printActionSteps(client, firstSend: firstSend)
        try await checkIncidentAndRelease(client, vm: vm, lab: lab)

        // After the release a new session carries data and datagrams arrive again, while the cut
        // session stays dead.
        let restored = await waitUntil(seconds: 10) {
            guard let now = TrafficPrograms.read(TrafficPrograms.Received.self, from: received) else { return false }
            return now.udpDatagrams > whileBlocked.udpDatagrams && now.tcpBytes.count >= 2
                && (now.tcpBytes.last ?? 0) > 0
        }
        #expect(restored, "traffic did not resume after the release")
        let after = try #require(TrafficPrograms.read(TrafficPrograms.Received.self, from: received))
        #expect(after.tcpBytes.first == whileBlocked.tcpBytes.first)
    }

    /// Creates the library policy with the block response on, in enforce mode.
    private func enableBlocking(_ client: TestHTTPClient) async throws {
        let library = try await client.call("GET", "/v1/librarypolicies?name=compromised_vm").json
        let libraryID = try #require(library["results"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try await client.call("POST", "/v1/policies?library_policy=\(libraryID)").status == 201)
        let rule = try await client.call(
            "POST", "/v1/policies/compromised_vm/rules", ["rule": #"response_enabled("block")"#])
        #expect(rule.status == 201)
        let mode = try await client.call("PUT", "/v1/policies/compromised_vm/mode", ["mode": "enforce"])
        #expect(mode.status == 200)
    }

    /// Checks that the incident names the VM with a verified block, then releases it and checks
    /// that the address left the drop set.
    private func checkIncidentAndRelease(_ client: TestHTTPClient, vm: String, lab: TrafficLab) async throws {
        let incidents = try await client.poll("/v1/incidents", seconds: 10) { json in
            json["results"]?.arrayValue?.first?["actions"]?.arrayValue?.contains {
                $0["response"] == "block" && $0["state"] == "verified"
            } == true
        }
        let incident = try #require(incidents["results"]?.arrayValue?.first)
        #expect(incident["vm_id"] == .string(vm))
        #expect(incident["source_ip"] == .string(TrafficLab.vmAddress))
        #expect(incident["external_ips"]?.arrayValue?.contains(.string(TrafficLab.badHostAddress)) == true)
        let id = try #require(incident["id"]?.stringValue)

        let released = try await client.call("POST", "/v1/incidents/\(id)?action=release", [:])
        #expect(released.status == 200)
        #expect(!lab.isBlocked(TrafficLab.vmAddress))
    }

    /// Prints the steps of the incident's actions (requested, decided, executed, ...) in
    /// milliseconds after the VM's first packet, to show where the time goes.
    private func printActionSteps(_ client: TestHTTPClient, firstSend: Double) async throws {
        let incidents = try await client.poll("/v1/incidents", seconds: 5) {
            ($0["results"]?.arrayValue ?? []).count > 0
        }
        guard let id = incidents["results"]?.arrayValue?.first?["id"]?.stringValue else { return }
        let detail = try await client.call("GET", "/v1/incidents/\(id)").json
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for action in detail["actions"]?.arrayValue ?? [] {
            var steps: [String] = []
            for event in action["events"]?.arrayValue ?? [] {
                guard let text = event["at"]?.stringValue, let date = format.date(from: text) else { continue }
                let milliseconds = Int(((date.timeIntervalSince1970 - firstSend) * 1000).rounded())
                steps.append("\(event["kind"]?.stringValue ?? "?") +\(milliseconds) ms")
            }
            print("real traffic: \(action["response"]?.stringValue ?? "?"): " + steps.joined(separator: ", "))
        }
    }

    private func log(_ file: URL) -> String {
        (try? String(contentsOf: file, encoding: .utf8)) ?? "(no log)"
    }
}
