import Foundation
import OpenStack
import Testing

@testable import Agora

/// The per-incident limit: notifications past it are folded into one summary, not dropped.
@Suite struct NotificationRateLimitTests {
    static func noIncident(_ policy: String, _ vm: String) -> String? { nil }

    static func actionEvent(_ id: Int64, incident: String, kind: String = "action.failed") -> AgoraEvent {
        AgoraEvent(
            kind: kind,
            payload: [
                "id": .int(id), "policy": "compromised_vm", "incident_id": .string(incident), "attempts": 1,
                "target": ["vm_id": "vm-1"], "events": [["at": "2023-11-14T22:13:20.000Z", "kind": "failed"]],
            ])
    }

    @Test func excessFoldedIntoSummary() async throws {
        let harness = try NotifierTests.harness(perIncidentPerMinute: 3)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        for id in Int64(1)...5 {
            harness.notifier.record(Self.actionEvent(id, incident: "incident-a"), activeIncident: Self.noIncident)
        }
        harness.notifier.record(Self.actionEvent(6, incident: "incident-b"), activeIncident: Self.noIncident)
        await harness.notifier.deliverDue()

        let first = harness.receiver.requests.compactMap { try? JSON.parse(Data($0.body), source: "body") }
        #expect(first.filter { $0["incident_id"] == "incident-a" }.count == 3)
        #expect(first.filter { $0["incident_id"] == "incident-b" }.count == 1)
        let entries = try harness.outbox.entries()
        #expect(entries.filter { $0.status == .folded }.count == 2)
        #expect(entries.filter { $0.eventKind == OutboxEntry.summaryKind }.count == 1)

        harness.clock.advance(59)
        await harness.notifier.deliverDue()
        #expect(harness.receiver.requests.count == 4, "the summary waits until the window has room")

        harness.clock.advance(2)
        await harness.notifier.deliverDue()
        let requests = harness.receiver.requests
        #expect(requests.count == 5)
        let last = try #require(requests.last)
        #expect(last.headers["X-Agora-Event"] == OutboxEntry.summaryKind)
        let summary = try JSON.parse(Data(last.body), source: "summary body")
        #expect(summary["incident_id"] == "incident-a")
        #expect(summary["data"]?["count"] == 2)
        let folded = summary["data"]?["events"]?.arrayValue ?? []
        #expect(folded.compactMap { $0["event"]?["payload"]?["id"]?.intValue } == [4, 5])
        #expect(summary["data"]?["counts_by_kind"]?["action.failed"] == 2)

        let after = try harness.outbox.entries()
        #expect(after.filter { $0.status == .folded }.allSatisfy { $0.deliveredAt != nil })
    }

    @Test func foldingStartsNewSummaryOnceSent() async throws {
        let harness = try NotifierTests.harness(perIncidentPerMinute: 1)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        harness.notifier.record(Self.actionEvent(1, incident: "incident-a"), activeIncident: Self.noIncident)
        harness.notifier.record(Self.actionEvent(2, incident: "incident-a"), activeIncident: Self.noIncident)
        await harness.notifier.deliverDue()
        harness.clock.advance(61)
        await harness.notifier.deliverDue()
        // The summary counts against the window too, so the next event is folded into a new one.
        harness.notifier.record(Self.actionEvent(3, incident: "incident-a"), activeIncident: Self.noIncident)
        await harness.notifier.deliverDue()
        harness.clock.advance(61)
        await harness.notifier.deliverDue()

        let kinds = harness.receiver.requests.compactMap { $0.headers["X-Agora-Event"] }
        #expect(kinds == ["action.failed", OutboxEntry.summaryKind, OutboxEntry.summaryKind])
        let summaries = try harness.outbox.entries().filter { $0.eventKind == OutboxEntry.summaryKind }
        #expect(summaries.count == 2)
        #expect(summaries.allSatisfy { $0.status == .delivered })
    }

    @Test func eventsWithoutIncidentAreNotLimited() async throws {
        let harness = try NotifierTests.harness(perIncidentPerMinute: 1)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        for index in 0..<3 {
            harness.notifier.record(
                AgoraEvent(
                    kind: "evidence.unattributed",
                    payload: ["reference": .string("compromised_vm:error 10.0.0.\(index)"), "reason": "shared"]),
                activeIncident: Self.noIncident)
        }
        await harness.notifier.deliverDue()
        #expect(harness.receiver.requests.count == 3)
    }

    @Test func actionTakesIncidentFromLookup() throws {
        var event = Self.actionEvent(9, incident: "unused", kind: "action.verified")
        if case .object(var members) = event.payload {
            members["incident_id"] = .null
            event.payload = .object(members)
        }
        let classified = NotificationTopics.classify(event) { policy, vm in
            policy == "compromised_vm" && vm == "vm-1" ? "incident-z" : nil
        }
        #expect(classified?.incidentID == "incident-z")
        #expect(classified?.dedupeKey == "action.verified:9:1:2023-11-14T22:13:20.000Z")
    }
}
