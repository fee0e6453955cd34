import Datalog
import Foundation
import Testing

@testable import Enforcement

/// Two load balancers share a VIP through allowed address pairs, and a third VM has port
/// security off. The ports and the four alerts are read from the shared case folder.
@Suite struct SharedAddressTests {
    private let folder = sharedDirectory().appendingPathComponent("cases/B22-shared-vip-attribution")

    private func inventory() throws -> TestInventory {
        let data = try Data(contentsOf: folder.appendingPathComponent("ports.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let ports = try #require(root["ports"] as? [[String: Any]])
        var inventory = TestInventory()
        inventory.subnets = [("192.0.2.0/24", "net-a")]
        for port in ports {
            let fixed = (port["fixed_ips"] as? [[String: Any]] ?? []).compactMap { $0["ip_address"] as? String }
            let pairs = (port["allowed_address_pairs"] as? [[String: Any]] ?? []).compactMap {
                $0["ip_address"] as? String
            }
            let facts = PortFacts(
                id: port["id"] as? String ?? "", networkID: port["network_id"] as? String ?? "",
                projectID: port["tenant_id"] as? String ?? "", deviceID: port["device_id"] as? String ?? "",
                deviceOwner: port["device_owner"] as? String ?? "", macAddress: port["mac_address"] as? String ?? "",
                fixedIPs: fixed, allowedAddresses: pairs,
                portSecurityEnabled: port["port_security_enabled"] as? Bool ?? true,
                adminStateUp: port["admin_state_up"] as? Bool ?? true,
                securityGroups: port["security_groups"] as? [String] ?? [])
            inventory.allPorts.append(facts)
            inventory.servers[facts.deviceID] = ServerFacts(
                id: facts.deviceID, name: facts.deviceID, projectID: facts.projectID, status: "ACTIVE")
        }
        return inventory
    }

    /// The alerts in file order, as evidence with the flow id as reference.
    private func alerts() throws -> [Evidence] {
        let text = try String(contentsOf: folder.appendingPathComponent("eve.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let ether = object["ether"] as? [String: Any]
            return Evidence(
                reference: "flow \(object["flow_id"] as? Int ?? 0)", sourceAddress: object["src_ip"] as? String,
                sourceMAC: ether?["src_mac"] as? String)
        }
    }

    /// The calls a rule that joins alerts on fixed IPs and allowed address pairs derives.
    private func calls(for alert: Evidence, in inventory: TestInventory) -> [ActionCall] {
        let address = alert.sourceAddress ?? ""
        return Set(inventory.ports(withAddress: address).map(\.deviceID)).sorted().map { quarantineCall($0, address) }
    }

    @Test func onlyTheFixedAddressOwnerIsQuarantined() async throws {
        let inventory = try inventory()
        let harness = try await Harness(inventory: inventory)
        let alerts = try alerts()
        #expect(alerts.count == 4)

        for alert in alerts {
            try await harness.enforcer.submit(calls: calls(for: alert, in: inventory), evidence: [alert])
        }

        #expect(harness.backend.applyCount == 1)
        let records = try harness.ledger.allRecords()
        let executed = records.filter { $0.executedAt != nil }
        #expect(executed.count == 1)
        #expect(executed.first?.target.vmID == "vm-lb2")
        #expect(executed.first?.evidence == ["flow 9300000002", "flow 9300000003"])

        let ambiguous = records.filter { $0.reasonCode == "source_ambiguous" }
        #expect(ambiguous.map(\.target.vmID) == ["vm-lb1", "vm-lb2"])
        #expect(ambiguous.allSatisfy { $0.state == .refused })
        #expect(ambiguous.first?.reason.contains("p1 (vm-lb1) and p2 (vm-lb2)") == true)

        let unmatched = harness.log.unattributed
        #expect(unmatched.map(\.0.reference).contains("flow 9300000004"))
        let note = unmatched.first { $0.0.reference == "flow 9300000004" }?.1 ?? ""
        #expect(note.contains("no port owns 192.0.2.200"))
        #expect(note.contains("p3 (vm-r)"))
        #expect(!records.contains { $0.target.vmID == "vm-r" })
    }

    @Test func sharedAddressAloneActsOnNobody() async throws {
        let inventory = try inventory()
        let harness = try await Harness(inventory: inventory)
        let first = try #require(try alerts().first)

        try await harness.enforcer.submit(calls: calls(for: first, in: inventory), evidence: [first])

        #expect(harness.backend.applyCount == 0)
        let records = try harness.ledger.allRecords()
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.state == .refused })
        #expect(records.allSatisfy { $0.reasonCode == "source_ambiguous" })
        #expect(records.allSatisfy { $0.evidence == ["flow 9300000001"] })
    }

    @Test func macPinsTheSharedAddress() async throws {
        let inventory = try inventory()
        let harness = try await Harness(inventory: inventory)
        let third = try alerts()[2]

        try await harness.enforcer.submit(calls: calls(for: third, in: inventory), evidence: [third])

        let records = try harness.ledger.allRecords()
        #expect(harness.backend.applyCount == 1)
        #expect(records.first { $0.target.vmID == "vm-lb2" }?.state == .verified)
        let other = try #require(records.first { $0.target.vmID == "vm-lb1" })
        #expect(other.state == .refused)
        #expect(other.reasonCode == "source_other_vm")
    }
}
