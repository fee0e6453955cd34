import DataSources
import Foundation
import OpenStack
import Store
import Testing

@testable import Agora

/// The notifier against a real HTTP receiver on 127.0.0.1 and a SQLite outbox, with a clock
/// that moves only when the test moves it.
@Suite struct NotifierTests {
    static let secret = Array("webhook key".utf8)

    struct Harness {
        let directory: URL
        let outbox: NotificationOutbox
        let notifier: Notifier
        let clock: ManualClock
        let receiver: WebhookReceiver
    }

    static func harness(
        script: [(status: Int, body: String)] = [], perIncidentPerMinute: Int = 0
    ) throws -> Harness {
        let directory = try TestSupport.temporaryDirectory()
        let database = try Store.open(directory.appendingPathComponent("agora.db").path)
        let outbox = try NotificationOutbox(database: database, perIncidentPerMinute: perIncidentPerMinute)
        let receiver = try WebhookReceiver(script: script)
        let clock = ManualClock()
        let sender = WebhookSender(url: URL(string: receiver.url)!, secret: secret)
        let notifier = Notifier(
            outbox: outbox, senders: [sender], backoff: RetryBackoff(base: 1, maximum: 8, maxAttempts: 4) { 0.5 },
            clock: { clock.now }, logger: Logger(label: "test", level: .error))
        return Harness(directory: directory, outbox: outbox, notifier: notifier, clock: clock, receiver: receiver)
    }

    static func incidentEvent(_ kind: String, id: String = "incident-1", errorRows: Int64 = 1, eventID: Int64 = 7)
        -> AgoraEvent
    {
        AgoraEvent(
            id: eventID, kind: kind, at: Date(timeIntervalSince1970: 1_700_000_000), projectID: "project-a",
            payload: [
                "id": .string(id), "vm_id": "vm-1", "vm_name": "web-1", "state": "open", "source_ip": "10.10.1.11",
                "error_rows": .int(errorRows),
            ])
    }

    static func noIncident(_ policy: String, _ vm: String) -> String? { nil }

    @Test func webhookBodyHeadersAndSignature() async throws {
        let harness = try Self.harness()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        harness.notifier.record(Self.incidentEvent("incident.opened"), activeIncident: Self.noIncident)
        await harness.notifier.deliverDue()

        let request = try #require(harness.receiver.requests.first)
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["X-Agora-Event"] == "incident.opened")
        let entry = try #require(try harness.outbox.entries().first)
        #expect(request.headers["X-Agora-Delivery"] == entry.deliveryID)
        let expected = "sha256=" + HMACSHA256.hex(request.body, key: Self.secret)
        #expect(request.headers["X-Agora-Signature"] == expected)

        let body = try JSON.parse(Data(request.body), source: "webhook body")
        #expect(body["kind"] == "incident.opened")
        #expect(body["incident_id"] == "incident-1")
        #expect(body["delivery_id"]?.stringValue == entry.deliveryID)
        #expect(body["data"]?["payload"]?["vm_id"] == "vm-1")
        #expect(body["data"]?["kind"] == "incident.opened")
        #expect(entry.status == .delivered)
    }

    @Test func sameEventDeliveredOnce() async throws {
        let harness = try Self.harness()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let event = Self.incidentEvent("incident.contained", errorRows: 3)
        harness.notifier.record(event, activeIncident: Self.noIncident)
        await harness.notifier.deliverDue()
        // The same step published again, under a new bus id as after a restart.
        var again = event
        again.id = 99
        harness.notifier.record(again, activeIncident: Self.noIncident)
        harness.clock.advance(60)
        await harness.notifier.deliverDue()

        #expect(harness.receiver.requests.count == 1)
        #expect(try harness.outbox.entries().count == 1)
    }

    @Test func eventsNotWorthTellingAreSkipped() async throws {
        let harness = try Self.harness()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        harness.notifier.record(Self.incidentEvent("incident.updated"), activeIncident: Self.noIncident)
        harness.notifier.record(
            AgoraEvent(kind: "datasource.status", payload: ["name": "ids"]), activeIncident: Self.noIncident)
        await harness.notifier.deliverDue()
        #expect(harness.receiver.requests.isEmpty)
        #expect(try harness.outbox.entries().isEmpty)
    }

    @Test func retryAfter503ThenSuccess() async throws {
        let harness = try Self.harness(script: [(503, "busy")])
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        harness.notifier.record(Self.incidentEvent("incident.opened"), activeIncident: Self.noIncident)
        await harness.notifier.deliverDue()

        let waiting = try #require(try harness.outbox.entries().first)
        #expect(waiting.status == .pending)
        #expect(waiting.attempts == 1)
        #expect(waiting.lastError?.contains("HTTP 503") == true)
        // With the jitter fixed at 0.5, the first delay is 0.75 of the 1-second base.
        #expect(waiting.nextAttemptAt == harness.clock.now.timeIntervalSince1970 + 0.75)

        await harness.notifier.deliverDue()
        #expect(harness.receiver.requests.count == 1, "not due yet")
        harness.clock.advance(1)
        await harness.notifier.deliverDue()

        let requests = harness.receiver.requests
        #expect(requests.count == 2)
        #expect(requests.first?.body == requests.last?.body)
        #expect(requests.first?.headers["X-Agora-Delivery"] == requests.last?.headers["X-Agora-Delivery"])
        let delivered = try #require(try harness.outbox.entries().first)
        #expect(delivered.status == .delivered)
        #expect(delivered.attempts == 2)
    }

    @Test func noRetryAfter400() async throws {
        let harness = try Self.harness(script: [(400, "unknown event kind")])
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        harness.notifier.record(Self.incidentEvent("incident.opened"), activeIncident: Self.noIncident)
        await harness.notifier.deliverDue()
        harness.clock.advance(3600)
        await harness.notifier.deliverDue()

        #expect(harness.receiver.requests.count == 1)
        let entry = try #require(try harness.outbox.entries().first)
        #expect(entry.status == .failed)
        #expect(entry.lastError?.contains("HTTP 400") == true)
        #expect(entry.lastError?.contains("unknown event kind") == true)
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let harness = try Self.harness(script: Array(repeating: (500, "down"), count: 10))
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        harness.notifier.record(Self.incidentEvent("incident.opened"), activeIncident: Self.noIncident)
        for _ in 0..<6 {
            await harness.notifier.deliverDue()
            harness.clock.advance(60)
        }
        #expect(harness.receiver.requests.count == 4)
        let entry = try #require(try harness.outbox.entries().first)
        #expect(entry.status == .failed)
        #expect(entry.lastError?.hasPrefix("gave up after 4 attempts") == true)
    }

    @Test func backoffDoublesAndStaysInRange() {
        let fixed = RetryBackoff(base: 2, maximum: 20, maxAttempts: 10) { 1 }
        #expect(fixed.delay(afterAttempt: 1) == 2)
        #expect(fixed.delay(afterAttempt: 2) == 4)
        #expect(fixed.delay(afterAttempt: 3) == 8)
        #expect(fixed.delay(afterAttempt: 6) == 20)
        let random = RetryBackoff(base: 2, maximum: 600, maxAttempts: 10)
        for attempt in 1...8 {
            let step = min(600, 2 * pow(2, Double(attempt - 1)))
            let delay = random.delay(afterAttempt: attempt)
            #expect(delay >= step / 2 && delay <= step, "attempt \(attempt): \(delay)")
        }
    }
}
