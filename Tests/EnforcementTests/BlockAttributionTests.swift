import Foundation
import Testing

@testable import Datalog
@testable import Enforcement

/// A `block` of an address that one VM owns as a fixed IP is an action on that VM.
@Suite struct BlockAttributionTests {
    func blockCall(_ address: String) -> ActionCall {
        ActionCall(policy: "compromised_vm", service: "agora", action: "block", arguments: [.string(address)])
    }

    /// A cap of 10 % of the servers, which allows one VM in a cloud of one server.
    func settings() -> GuardSettings {
        var settings = Harness.enforcing()
        settings.defaultPolicyCap = BlastRadiusCap(maxActions: 10, window: 3600, maxServerPercent: 10)
        return settings
    }

    @Test func blockOfFixedIPNamesVM() async throws {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10", project: "lab")
        let harness = try await Harness(inventory: inventory, guardSettings: settings())

        try await harness.enforcer.submit(calls: [quarantineCall("vm-a", "192.0.2.10"), blockCall("192.0.2.10")])

        let records = try harness.ledger.allRecords()
        let block = try #require(records.first { $0.response == .block })
        #expect(block.target.vmID == "vm-a")
        #expect(block.target.projectID == "lab")
        #expect(block.target.address == "192.0.2.10")
        // The block and the quarantine are one VM against the cap, so neither is held.
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.state != .held })
        #expect(harness.log.massHolds.isEmpty)
    }

    @Test func blockRunsBeforeQuarantine() async throws {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10")
        let backend = RecordingBackend(clock: ManualClock(now: 36_000))
        // The backend hands out these results in call order, so each record shows when it ran.
        backend.scripted = ["first", "second"].map { step in
            BackendResult(
                status: .done, changes: [AppliedChange(kind: step, resource: "vm-a", before: "a", after: "b")],
                detail: step)
        }
        let harness = try await Harness(inventory: inventory, guardSettings: settings(), backend: backend)

        try await harness.enforcer.submit(calls: [quarantineCall("vm-a", "192.0.2.10"), blockCall("192.0.2.10")])

        let records = try harness.ledger.allRecords()
        let block = try #require(records.first { $0.response == .block })
        let quarantine = try #require(records.first { $0.response == .quarantine })
        #expect(block.changes.first?.kind == "first")
        #expect(quarantine.changes.first?.kind == "second")
    }

    @Test func sharedAddressStaysAddressOnly() async throws {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10")
        inventory.addVM("vm-b", address: "192.0.2.10")
        let harness = try await Harness(inventory: inventory)

        try await harness.enforcer.submit(calls: [blockCall("192.0.2.10")])

        let block = try #require(try harness.ledger.allRecords().first)
        #expect(block.target.vmID == nil)
        #expect(block.target.address == "192.0.2.10")
    }

    @Test func unknownAddressStaysAddressOnly() async throws {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10")
        let harness = try await Harness(inventory: inventory)

        try await harness.enforcer.submit(calls: [blockCall("198.51.100.66")])

        let block = try #require(try harness.ledger.allRecords().first)
        #expect(block.target.vmID == nil)
        #expect(block.state == .verified)
    }

    @Test func infrastructurePortStaysAddressOnly() async throws {
        var inventory = TestInventory()
        inventory.addVM("router-1", address: "192.0.2.1", owner: "network:router_interface")
        let harness = try await Harness(inventory: inventory)

        try await harness.enforcer.submit(calls: [blockCall("192.0.2.1")])

        let block = try #require(try harness.ledger.allRecords().first)
        #expect(block.target.vmID == nil)
    }
}
