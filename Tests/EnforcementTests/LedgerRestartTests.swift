import Foundation
import Store
import Testing

@testable import Enforcement

/// Exactly-once execution across restarts, crashes and flapping rows, with the ledger in a real
/// SQLite file that each step reopens.
@Suite struct LedgerRestartTests {
    private func inventory() -> TestInventory {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10")
        inventory.addVM("vm-b", address: "192.0.2.11")
        return inventory
    }

    @Test func intentIsCommittedBeforeBackendCall() async throws {
        let path = temporaryLedgerPath()
        let clock = ManualClock(now: 1000)
        let backend = RecordingBackend(clock: clock)
        let seen = Box<[ActionState]>([])
        backend.onApply = { _ in
            // A second connection to the same file sees only what was committed.
            let states = (try? openLedger(path).allRecords().map(\.state)) ?? []
            seen.value += states
        }
        let harness = try await Harness(path: path, clock: clock, inventory: inventory(), backend: backend)

        try await harness.enforcer.submit(calls: [quarantineCall("vm-a", "192.0.2.10")])

        #expect(seen.value == [.executing])
    }

    @Test func reopenedLedgerFiresNothingAgain() async throws {
        let path = temporaryLedgerPath()
        let clock = ManualClock(now: 1000)
        let calls = [quarantineCall("vm-a", "192.0.2.10"), quarantineCall("vm-b", "192.0.2.11")]
        let first = try await Harness(path: path, clock: clock, inventory: inventory())
        try await first.enforcer.submit(calls: calls)
        #expect(first.backend.applyCount == 2)
        let released = try #require(try first.ledger.allRecords().last)
        try await first.enforcer.release(released.id, by: "alice")
        first.ledger.database.close()

        // The restarted engine derives both rows again as new rows.
        clock.advance(by: 600)
        let second = try await Harness(path: path, clock: clock, inventory: inventory())
        try await second.enforcer.start()
        try await second.enforcer.submit(calls: calls, evidence: [Evidence(reference: "after restart", vmID: "vm-a")])
        try await second.enforcer.tick()

        #expect(second.backend.applyCount == 0)
        let records = try second.ledger.allRecords()
        #expect(records.count == 2)
        #expect(records.map(\.state) == [.verified, .released])
        #expect(records.first?.evidence == ["after restart"])
    }

    @Test func flappingRowWaitsForHoldDown() async throws {
        var settings = EnforcerSettings()
        settings.holdDown = 60
        let harness = try await Harness(inventory: inventory(), settings: settings)
        let call = quarantineCall("vm-a", "192.0.2.10")
        try await harness.enforcer.submit(calls: [call])
        let first = try #require(try harness.ledger.allRecords().first)
        try await harness.enforcer.release(first.id, by: "alice")

        // The row goes and comes back 10 s after the release.
        harness.clock.advance(by: 5)
        try await harness.enforcer.submit(calls: [], retracted: [call])
        harness.clock.advance(by: 5)
        try await harness.enforcer.submit(calls: [call])
        try await harness.enforcer.tick()
        #expect(try harness.ledger.allRecords().count == 1)
        #expect(harness.backend.applyCount == 1)

        harness.clock.advance(by: 50)
        try await harness.enforcer.tick()
        let records = try harness.ledger.allRecords()
        #expect(records.count == 2)
        #expect(records.last?.state == .verified)
        #expect(harness.backend.applyCount == 2)
    }

    @Test func rowRetractedDuringHoldDownNeverFires() async throws {
        let harness = try await Harness(inventory: inventory(), guardSettings: GuardSettings())
        let call = quarantineCall("vm-a", "192.0.2.10")
        try await harness.enforcer.submit(calls: [call])
        #expect(try harness.ledger.allRecords().first?.state == .dryRun)

        harness.clock.advance(by: 10)
        try await harness.enforcer.submit(calls: [], retracted: [call])
        try await harness.enforcer.submit(calls: [call])
        try await harness.enforcer.submit(calls: [], retracted: [call])
        harness.clock.advance(by: 120)
        try await harness.enforcer.tick()

        #expect(try harness.ledger.allRecords().count == 1)
    }

    @Test func crashAfterChangeIsReconciledByVerify() async throws {
        let path = temporaryLedgerPath()
        let clock = ManualClock(now: 1000)
        let change = AppliedChange(kind: "quarantine", resource: "vm-a", before: "sg-web", after: "sg-q")
        try leaveExecuting(path: path, clock: clock, changes: [change])

        let backend = RecordingBackend(clock: clock)
        backend.preload(change)
        let harness = try await Harness(path: path, clock: clock, inventory: inventory(), backend: backend)
        try await harness.enforcer.start()

        #expect(backend.applyCount == 0)
        let record = try #require(try harness.ledger.allRecords().first)
        #expect(record.state == .verified)
        #expect(record.changes == [change])
        let recovered = try harness.ledger.events(of: record.id).filter { $0.actor == "recovery" }
        #expect(recovered.map(\.kind) == [.executed])
    }

    @Test func crashBeforeChangeRetriesOnce() async throws {
        let path = temporaryLedgerPath()
        let clock = ManualClock(now: 1000)
        try leaveExecuting(path: path, clock: clock, changes: [])

        let harness = try await Harness(path: path, clock: clock, inventory: inventory())
        try await harness.enforcer.start()
        try await harness.enforcer.start()

        #expect(harness.backend.applyCount == 1)
        #expect(harness.backend.isApplied("vm-a"))
        let record = try #require(try harness.ledger.allRecords().first)
        #expect(record.state == .verified)
        #expect(record.attempts == 2)
    }

    @Test func transientFailureIsRetriedThenGivenUp() async throws {
        var settings = EnforcerSettings()
        settings.maxAttempts = 2
        settings.retryDelay = 30
        let harness = try await Harness(inventory: inventory(), settings: settings)
        let timeout = BackendResult(status: .failed, detail: "timed out", transient: true)
        harness.backend.scripted = [timeout, timeout]

        try await harness.enforcer.submit(calls: [quarantineCall("vm-a", "192.0.2.10")])
        harness.clock.advance(by: 30)
        try await harness.enforcer.tick()
        harness.clock.advance(by: 30)
        try await harness.enforcer.tick()

        #expect(harness.backend.applyCount == 2)
        let record = try #require(try harness.ledger.allRecords().first)
        #expect(record.state == .failed)
        #expect(record.retryAt == nil)
    }

    @Test func settingsDecodeWithDefaults() throws {
        let json = #"{"modes": {"p": "enforce"}, "protected": {"networks": ["10.0.0.0/8"]}, "globalCap": null}"#
        let settings = try JSONDecoder().decode(GuardSettings.self, from: Data(json.utf8))
        #expect(settings.mode(of: "p") == .enforce)
        #expect(settings.mode(of: "new") == .dryRun)
        #expect(settings.protected.networks == ["10.0.0.0/8"])
        #expect(settings.globalCap == nil)
        #expect(settings.defaultPolicyCap == GuardSettings().defaultPolicyCap)

        let enforcer = try JSONDecoder().decode(EnforcerSettings.self, from: Data(#"{"releaseAfter": 600}"#.utf8))
        #expect(enforcer.releaseAfter == 600)
        #expect(enforcer.holdDown == 60)
    }

    /// Writes an intent and its `executing` step, as a process that died during the backend call.
    private func leaveExecuting(path: String, clock: ManualClock, changes: [AppliedChange]) throws {
        let ledger = try openLedger(path)
        let record = try ledger.insert(ActionIntent(call: quarantineCall("vm-a", "192.0.2.10")), at: clock.now)
        try ledger.setRow(record.key, live: true, at: clock.now)
        try ledger.transition(record.id, event: .executing, actor: "agora", detail: "calling recording", at: clock.now)
        {
            $0.state = .executing
            $0.attempts = 1
            $0.backend = "recording"
            $0.changes = changes
        }
        ledger.database.close()
    }
}
