import Foundation
import Testing

@testable import Enforcement

/// A feed entry that covers the tenant's own subnet flags every VM in one evaluation round.
/// The VMs and their addresses are read from the shared case folder.
@Suite struct MassActionTests {
    /// Reads `vm-x 192.0.2.N` pairs from the fixtures' VM line.
    private func vms() throws -> [(id: String, address: String)] {
        let url = sharedDirectory().appendingPathComponent("cases/B16-feed-internal-ranges/fixtures.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("- VMs:") })
        return line.matches(of: /(vm-[a-z]+) (\d+\.\d+\.\d+\.\d+)/).map { (String($0.1), String($0.2)) }
    }

    private func harness(cap: Int) async throws -> (Harness, [(id: String, address: String)]) {
        let vms = try vms()
        var inventory = TestInventory()
        for vm in vms { inventory.addVM(vm.id, address: vm.address) }
        var settings = Harness.enforcing()
        settings.defaultPolicyCap = BlastRadiusCap(maxActions: cap, window: 3600)
        return (try await Harness(inventory: inventory, guardSettings: settings), vms)
    }

    @Test func roundOverCapHoldsEveryIntent() async throws {
        let (harness, vms) = try await harness(cap: 3)
        #expect(vms.count == 5)

        let calls = vms.map { quarantineCall($0.id, $0.address) }
        try await harness.enforcer.submit(calls: calls)

        #expect(harness.backend.applyCount == 0)
        let records = try harness.ledger.allRecords()
        #expect(records.count == 5)
        #expect(records.allSatisfy { $0.state == .held })
        #expect(records.allSatisfy { $0.reasonCode == "blast_radius_policy" })
        let alerts = harness.log.massHolds
        #expect(alerts.count == 1)
        #expect(alerts.first?.ids.count == 5)
        #expect(alerts.first?.reason.contains("over the cap of 3") == true)
    }

    @Test func operatorApprovalRunsOneHeldIntent() async throws {
        let (harness, vms) = try await harness(cap: 3)
        try await harness.enforcer.submit(calls: vms.map { quarantineCall($0.id, $0.address) })
        let held = try #require(try harness.ledger.allRecords().first)

        let approved = try await harness.enforcer.approve(held.id, by: "alice")

        #expect(approved.state == .verified)
        #expect(approved.decidedBy == "alice")
        #expect(harness.backend.applyCount == 1)
        #expect(try harness.ledger.events(of: held.id).map(\.kind).contains(.approved))
    }

    @Test func roundWithinCapRuns() async throws {
        let (harness, vms) = try await harness(cap: 3)
        try await harness.enforcer.submit(calls: vms.prefix(3).map { quarantineCall($0.id, $0.address) })

        #expect(harness.backend.applyCount == 3)
        #expect(harness.log.massHolds.isEmpty)

        // The window still contains three executions, so one more passes the cap.
        try await harness.enforcer.submit(calls: [quarantineCall(vms[3].id, vms[3].address)])
        #expect(harness.backend.applyCount == 3)
        #expect(try harness.ledger.allRecords().last?.reasonCode == "blast_radius_policy")
    }

    @Test func globalAndServerShareCaps() async throws {
        let (harness, vms) = try await harness(cap: 100)
        var settings = Harness.enforcing()
        settings.defaultPolicyCap = nil
        settings.globalCap = BlastRadiusCap(maxActions: 100, window: 3600, maxServerPercent: 40)
        await harness.enforcer.update(guardSettings: settings)

        try await harness.enforcer.submit(calls: vms.prefix(2).map { quarantineCall($0.id, $0.address) })
        #expect(harness.backend.applyCount == 2)

        try await harness.enforcer.submit(calls: [quarantineCall(vms[2].id, vms[2].address, policy: "other")])
        #expect(harness.backend.applyCount == 2)
        let last = try #require(try harness.ledger.allRecords().last)
        #expect(last.reasonCode == "blast_radius_servers")
        #expect(last.reason.contains("over 40.0% of 5 servers"))
    }
}
