import Foundation
import Store
import Testing

@testable import Enforcement

/// Recovery of an intent that a run wrote to the ledger and crashed before the guard decided it.
@Suite struct InterruptedIntentTests {
    private func inventory() -> TestInventory {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10")
        return inventory
    }

    @Test func requestedIntentDecidedOnceAfterRestart() async throws {
        let path = temporaryLedgerPath()
        let clock = ManualClock(now: 1000)
        let call = quarantineCall("vm-a", "192.0.2.10")
        let crashed = try openLedger(path)
        let intent = ActionIntent(call: call)
        let written = try crashed.insert(intent, at: clock.now)
        try crashed.setRow(intent.key, live: true, at: clock.now)
        crashed.database.close()

        clock.advance(by: 5)
        let restarted = try await Harness(path: path, clock: clock, inventory: inventory())
        try await restarted.enforcer.start()
        #expect(restarted.backend.applyCount == 0)
        #expect(try restarted.ledger.record(written.id)?.state == .requested)

        // The engine derives the row again: the round decides the interrupted action.
        try await restarted.enforcer.submit(calls: [call])
        #expect(restarted.backend.applyCount == 1)
        let decided = try #require(try restarted.ledger.record(written.id))
        #expect(decided.state.isOpen)
        #expect(decided.state != .requested)

        try await restarted.enforcer.submit(calls: [call])
        #expect(restarted.backend.applyCount == 1)
        #expect(try restarted.ledger.allRecords().count == 1)
    }

    @Test func requestedIntentWithoutLiveRowDecided() async throws {
        let path = temporaryLedgerPath()
        let clock = ManualClock(now: 1000)
        let call = quarantineCall("vm-a", "192.0.2.10")
        let crashed = try openLedger(path)
        let written = try crashed.insert(ActionIntent(call: call), at: clock.now)
        crashed.database.close()

        clock.advance(by: 5)
        let restarted = try await Harness(path: path, clock: clock, inventory: inventory())
        try await restarted.enforcer.start()
        try await restarted.enforcer.submit(calls: [call])
        #expect(restarted.backend.applyCount == 1)
        #expect(try restarted.ledger.record(written.id)?.state != .requested)
        #expect(try restarted.ledger.allRecords().count == 1)
    }

    @Test func duplicateCallInRoundDecidedOnce() async throws {
        let harness = try await Harness(inventory: inventory())
        let call = quarantineCall("vm-a", "192.0.2.10")
        try await harness.enforcer.submit(calls: [call, call])
        #expect(harness.backend.applyCount == 1)
        #expect(try harness.ledger.allRecords().count == 1)
    }

    @Test func liveRowWithoutActionFiresAfterRestart() async throws {
        let path = temporaryLedgerPath()
        let clock = ManualClock(now: 1000)
        let call = quarantineCall("vm-a", "192.0.2.10")
        let crashed = try openLedger(path)
        try crashed.setRow(ActionIntent(call: call).key, live: true, at: clock.now)
        crashed.database.close()

        clock.advance(by: 5)
        let restarted = try await Harness(path: path, clock: clock, inventory: inventory())
        try await restarted.enforcer.start()
        try await restarted.enforcer.submit(calls: [call])
        #expect(restarted.backend.applyCount == 1)
        #expect(try restarted.ledger.allRecords().count == 1)

        try await restarted.enforcer.submit(calls: [call])
        #expect(restarted.backend.applyCount == 1)
    }
}
