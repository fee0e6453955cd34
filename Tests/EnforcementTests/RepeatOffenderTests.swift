import Foundation
import Testing

@testable import Enforcement

/// A VM that offends again after every automatic release. The settings and the timeline are
/// read from the shared case folder.
@Suite struct RepeatOffenderTests {
    private struct Step {
        var time: Double
        var event: String
    }

    private let folder = sharedDirectory().appendingPathComponent("cases/B26-repeat-offender-cycle")

    /// Reads the release time to live and the repeat limit and window, all in minutes.
    private func settings() throws -> EnforcerSettings {
        let text = try String(contentsOf: folder.appendingPathComponent("settings.md"), encoding: .utf8)
        let ttl = try #require(text.firstMatch(of: /released automatically (\d+) minutes/))
        let limit = try #require(text.firstMatch(of: /(\d+) quarantines of the same VM within (\d+) minutes/))
        var settings = EnforcerSettings()
        settings.releaseAfter = try #require(Double(ttl.1)) * 60
        settings.repeatLimit = try #require(Int(limit.1))
        settings.repeatWindow = try #require(Double(limit.2)) * 60
        return settings
    }

    /// Reads the table rows `| hh:mm | event |` as seconds since midnight.
    private func timeline() throws -> [Step] {
        let text = try String(contentsOf: folder.appendingPathComponent("timeline.md"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let match = line.firstMatch(of: /^\| (\d\d):(\d\d) \| (.*) \|$/),
                let hours = Double(match.1), let minutes = Double(match.2)
            else { return nil }
            return Step(time: hours * 3600 + minutes * 60, event: String(match.3))
        }
    }

    private func inventory() -> TestInventory {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10")
        return inventory
    }

    @Test func limitSuspendsReleaseAndSurvivesRestart() async throws {
        let settings = try settings()
        #expect(settings.releaseAfter == 600)
        #expect(settings.repeatLimit == 3)
        #expect(settings.repeatWindow == 3600)
        let steps = try timeline()
        #expect(steps.count == 7)

        let path = temporaryLedgerPath()
        let clock = ManualClock(now: steps[0].time)
        let harness = try await Harness(path: path, clock: clock, inventory: inventory(), settings: settings)
        let call = quarantineCall("vm-a", "192.0.2.10")
        var releasedBefore: [Double: Int] = [:]

        for step in steps {
            clock.set(step.time)
            try await harness.enforcer.tick()
            releasedBefore[step.time] = harness.backend.releaseCount
            if step.event.hasPrefix("alert") {
                // Each alert re-derives the row; the evidence window of the previous one has ended.
                let alert = Evidence(reference: "alert at \(step.time)", sourceAddress: "192.0.2.10")
                try await harness.enforcer.submit(calls: [], retracted: [call])
                try await harness.enforcer.submit(calls: [call], evidence: [alert])
            }
        }

        let records = try harness.ledger.allRecords()
        #expect(records.count == 3)
        #expect(records.map(\.executedAt) == [36_000, 36_720, 37_440])
        #expect(records.map(\.releasedAt) == [36_600, 37_320, nil])
        #expect(records.map(\.state) == [.released, .released, .verified])
        #expect(records.last?.releaseDue == nil)
        #expect(records.last?.evidence == ["alert at 37440.0", "alert at 38160.0"])
        #expect(harness.backend.applyCount == 3)
        #expect(harness.backend.releaseCount == 2)
        #expect(releasedBefore[38_040] == 2)

        let escalations = harness.log.actionEvents(.escalated)
        #expect(escalations.count == 1)
        #expect(escalations.first?.detail == "vm-a quarantined 3 times in 60 minutes; automatic release suspended")
        #expect(escalations.first?.at == 37_440)
        #expect(try harness.ledger.eventCount(kind: .escalated) == 1)
        #expect(try harness.ledger.eventCount(kind: .releaseVerified) == 2)

        // A restarted service reads the count from the same file.
        clock.set(38_400)
        let restarted = try await Harness(path: path, clock: clock, inventory: inventory(), settings: settings)
        #expect(try restarted.ledger.executionCount(response: .quarantine, vmID: "vm-a", since: 38_400 - 3600) == 3)
        let third = try #require(records.last)
        try await restarted.enforcer.release(third.id, by: "alice")

        clock.set(38_700)
        try await restarted.enforcer.submit(calls: [], retracted: [call])
        try await restarted.enforcer.submit(calls: [call], evidence: [Evidence(reference: "alert at 10:45")])
        let fourth = try #require(try restarted.ledger.allRecords().last)
        #expect(fourth.id != third.id)
        #expect(fourth.releaseDue == nil)
        #expect(restarted.log.actionEvents(.escalated).first?.detail.hasPrefix("vm-a quarantined 4 times") == true)
    }
}
