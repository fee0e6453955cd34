import Foundation
import Store

/// One notification for one sink (`webhook`, `syslog`), as the outbox stores it.
public struct OutboxEntry: Sendable, Equatable {
    /// The delivery state of a notification.
    public enum Status: String, Sendable {
        /// Waiting for its first or next attempt at `nextAttemptAt`.
        case pending
        case delivered
        /// Given up: the receiver rejected it (4xx), or every retry failed.
        case failed
        /// Past the per-incident rate limit, so it travels inside the summary `summaryID`.
        case folded
    }

    public var id: Int64
    public var sink: String
    /// Event kind, incident or action id and step; a second event with the same key is dropped.
    public var dedupeKey: String
    /// The random id that receivers see in `X-Agora-Delivery`, the same on every attempt.
    public var deliveryID: String
    /// The event bus id; it restarts with the process, so it identifies the event only together
    /// with `createdAt`.
    public var eventID: Int64
    public var eventKind: String
    public var incidentID: String?
    /// The event as JSON text, or for a summary, the folded events once the summary is due.
    public var payload: String
    /// Seconds since 1970, from the notifier's clock, as are the other times. For a summary, the
    /// time its payload was built, when it first fell due.
    public var createdAt: Double
    public var status: Status
    public var summaryID: Int64?
    public var attempts: Int
    public var nextAttemptAt: Double?
    public var deliveredAt: Double?
    /// The last failure: a connection error, or the HTTP status with the start of the response body.
    public var lastError: String?

    /// The kind of the rows that carry events folded by the rate limit.
    public static let summaryKind = "incident.summary"

    init(row: SQLRow) throws {
        id = try row.int("id")
        sink = try row.string("sink")
        dedupeKey = try row.string("dedupe_key")
        deliveryID = try row.string("delivery_id")
        eventID = try row.int("event_id")
        eventKind = try row.string("event_kind")
        incidentID = row.optionalString("incident_id")
        payload = try row.string("payload")
        createdAt = row["created_at"].real ?? 0
        status = Status(rawValue: try row.string("status")) ?? .failed
        summaryID = row.optionalInt("summary_id")
        attempts = Int(try row.int("attempts"))
        nextAttemptAt = row["next_attempt_at"].real
        deliveredAt = row["delivered_at"].real
        lastError = row.optionalString("last_error")
    }
}

extension NotificationOutbox {
    /// The `outbox` component's schema steps.
    public static let migrations: [Migration] = [
        Migration(component: "outbox", version: 1, summary: "notifications waiting for or past delivery") { dialect in
            [
                """
                CREATE TABLE notification_outbox (
                    id \(dialect.generatedKey),
                    sink TEXT NOT NULL,
                    dedupe_key TEXT NOT NULL,
                    delivery_id TEXT NOT NULL,
                    event_id BIGINT NOT NULL,
                    event_kind TEXT NOT NULL,
                    incident_id TEXT,
                    payload TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    status TEXT NOT NULL,
                    summary_id BIGINT,
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at DOUBLE PRECISION,
                    delivered_at DOUBLE PRECISION,
                    last_error TEXT,
                    UNIQUE (sink, dedupe_key))
                """,
                "CREATE INDEX notification_outbox_due ON notification_outbox (status, next_attempt_at)",
                "CREATE INDEX notification_outbox_by_incident ON notification_outbox (incident_id, sink, created_at)",
            ]
        }
    ]
}
