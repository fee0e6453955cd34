import Foundation
import Testing

@testable import Enforcement

/// A quarantine whose change Neutron shows only 20 s later: the row is derived again from the
/// stale data, and a later alert arrives. The timeline comes from the shared case folder.
@Suite struct OwnActionRetriggerTests {
    private func timeline() throws -> String {
        let url = sharedDirectory().appendingPathComponent("cases/B25-own-action-retrigger/timeline.md")
        return try String(contentsOf: url, encoding: .utf8)
    }

    private func inventory() -> TestInventory {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10")
        return inventory
    }

    @Test func staleRederivationSendsOnce() async throws {
        let text = try timeline()
        #expect(text.contains("| 21 s | poll | sg-quarantine |"))
        let harness = try await Harness(inventory: inventory())
        let start = harness.clock.now
        harness.backend.visibleFrom = start + 21
        let call = quarantineCall("vm-a", "192.0.2.10")
        let alert0 = Evidence(reference: "alert at 0 s", sourceAddress: "192.0.2.10")

        try await harness.enforcer.submit(calls: [call], evidence: [alert0])
        #expect(harness.backend.applyCount == 1)
        #expect(try await harness.enforcer.inFlightResources().contains("vm-a"))

        // 1 s and 11 s: the refresh and the poll read the old groups; the row is derived again.
        for time in [1.0, 11.0] {
            harness.clock.set(start + time)
            try await harness.enforcer.submit(calls: [call], retracted: [call])
            try await harness.enforcer.tick()
        }
        #expect(harness.backend.applyCount == 1)
        let inFlight = try #require(try harness.ledger.allRecords().first)
        #expect(inFlight.state == .executed)

        // 21 s: the change is visible and the negated literal retracts the row.
        harness.clock.set(start + 21)
        try await harness.enforcer.tick()
        try await harness.enforcer.submit(calls: [], retracted: [call])
        #expect(try harness.ledger.allRecords().first?.state == .verified)
        #expect(try await harness.enforcer.inFlightResources().isEmpty)

        // 31 s: another alert from vm-a.
        harness.clock.set(start + 31)
        let alert31 = Evidence(reference: "alert at 31 s", sourceAddress: "192.0.2.10")
        try await harness.enforcer.submit(calls: [], evidence: [alert31])

        let records = try harness.ledger.allRecords()
        #expect(records.count == 1)
        #expect(records.first?.evidence == ["alert at 0 s", "alert at 31 s"])
        #expect(harness.backend.applyCount == 1)
        #expect(harness.log.actionEvents(.verifyFailed).isEmpty)
    }

    @Test func changeNotVisibleIsReportedNotResent() async throws {
        let harness = try await Harness(inventory: inventory())
        let start = harness.clock.now
        harness.backend.visibleFrom = .infinity
        let call = quarantineCall("vm-a", "192.0.2.10")

        try await harness.enforcer.submit(
            calls: [call], evidence: [Evidence(reference: "a1", sourceAddress: "192.0.2.10")])
        for time in stride(from: 10.0, through: 90, by: 10) {
            harness.clock.set(start + time)
            try await harness.enforcer.submit(calls: [call], retracted: [call])
            try await harness.enforcer.tick()
        }

        #expect(harness.backend.applyCount == 1)
        let reports = harness.log.actionEvents(.verifyFailed)
        #expect(reports.count == 1)
        #expect(reports.first?.detail.hasPrefix("quarantine not visible after 60 s") == true)
        #expect(reports.first?.at == start + 60)
        let record = try #require(try harness.ledger.allRecords().first)
        #expect(record.state == .unverified)
        #expect(try harness.ledger.events(of: record.id).filter { $0.kind == .executing }.count == 1)
    }
}
