import Foundation
import OpenStack
import Store

/// The store's `outbox` component: one row per notification and sink, written when the event
/// happens and marked when a sender has delivered it, so that undelivered notifications
/// survive a restart. The unique dedupe key per sink makes each event notify once.
///
/// Each incident may send `perIncidentPerMinute` notifications per sink in any 60 seconds.
/// Past that, notifications are stored as `folded` and sent together in one summary row, due
/// when the oldest notification of the window is a minute old.
public final class NotificationOutbox: Sendable {
    public let database: any Database
    /// Notifications per incident and sink in any 60 seconds; 0 turns the limit off.
    public let perIncidentPerMinute: Int

    /// The outcome of `enqueue` for one notification.
    public enum Admission: Equatable, Sendable {
        case queued(id: Int64)
        /// Over the rate limit: stored and carried by the summary row `summaryID`.
        case folded(id: Int64, summaryID: Int64)
        /// A notification with the same sink and dedupe key exists; nothing was written.
        case duplicate
    }

    /// Opens the outbox on `database`, bringing the `outbox` schema up to date.
    public init(database: any Database, perIncidentPerMinute: Int) throws {
        self.database = database
        self.perIncidentPerMinute = perIncidentPerMinute
        try Migrator.apply(Self.migrations, to: database)
    }

    /// Stores a notification for `sink` in one transaction, unless one with the same key exists.
    @discardableResult
    public func enqueue(
        sink: String, dedupeKey: String, event: AgoraEvent, incidentID: String?, at now: Double
    ) throws -> Admission {
        try database.write { sql in
            let existing = try sql.first(
                "SELECT id FROM notification_outbox WHERE sink = $1 AND dedupe_key = $2",
                [.text(sink), .text(dedupeKey)])
            if existing != nil { return .duplicate }

            var summaryID: Int64?
            if let incidentID, perIncidentPerMinute > 0 {
                let window = try sql.first(
                    """
                    SELECT COUNT(*) AS sent, MIN(created_at) AS oldest FROM notification_outbox
                    WHERE sink = $1 AND incident_id = $2 AND status <> 'folded' AND created_at > $3
                    """, [.text(sink), .text(incidentID), .real(now - 60)])
                if let window, try window.int("sent") >= Int64(perIncidentPerMinute) {
                    let due = max(now, (window["oldest"].real ?? now) + 60)
                    summaryID = try Self.openSummary(
                        sql, sink: sink, incidentID: incidentID, dedupeKey: dedupeKey, event: event, due: due, now: now)
                }
            }

            let status: OutboxEntry.Status = summaryID == nil ? .pending : .folded
            let id = try Self.insert(
                sql, sink: sink, dedupeKey: dedupeKey, eventID: event.id, kind: event.kind, incidentID: incidentID,
                payload: event.json.text, status: status, summaryID: summaryID, now: now,
                nextAttempt: summaryID == nil ? now : nil)
            if let summaryID { return .folded(id: id, summaryID: summaryID) }
            return .queued(id: id)
        }
    }

    /// Returns the pending rows whose attempt is due, oldest first. A summary due for the first
    /// time gets its payload here, built from the rows folded into it; later rows start a new one.
    public func due(at now: Double, limit: Int = 100) throws -> [OutboxEntry] {
        try database.write { sql in
            let rows = try sql.query(
                """
                SELECT * FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= $1
                ORDER BY next_attempt_at, id LIMIT $2
                """, [.real(now), .integer(Int64(limit))])
            var entries: [OutboxEntry] = []
            for row in rows {
                var entry = try OutboxEntry(row: row)
                if entry.eventKind == OutboxEntry.summaryKind && entry.payload.isEmpty {
                    // From now on the summary counts against the window as sent at this time.
                    entry.payload = try Self.composeSummary(sql, entry)
                    entry.createdAt = now
                    try sql.execute(
                        "UPDATE notification_outbox SET payload = $2, created_at = $3 WHERE id = $1",
                        [.integer(entry.id), .text(entry.payload), .real(now)])
                }
                entries.append(entry)
            }
            return entries
        }
    }

    /// Makes every pending row that waits for a retry due at `now`, so that a restart retries at
    /// once. Summaries keep their due time, which the rate limit set.
    public func resumePending(at now: Double) throws {
        try database.write { sql in
            try sql.execute(
                """
                UPDATE notification_outbox SET next_attempt_at = $1
                WHERE status = 'pending' AND next_attempt_at > $1 AND event_kind <> $2
                """, [.real(now), .text(OutboxEntry.summaryKind)])
        }
    }

    /// Marks a row delivered; for a summary, the rows it carried too.
    public func markDelivered(_ id: Int64, at now: Double) throws {
        try database.write { sql in
            try sql.execute(
                """
                UPDATE notification_outbox SET status = 'delivered', delivered_at = $2, attempts = attempts + 1,
                    next_attempt_at = NULL, last_error = NULL WHERE id = $1
                """, [.integer(id), .real(now)])
            try sql.execute(
                "UPDATE notification_outbox SET delivered_at = $2 WHERE summary_id = $1", [.integer(id), .real(now)])
        }
    }

    /// Records a failed attempt that will be tried again at `retryAt`.
    public func markRetry(_ id: Int64, error: String, retryAt: Double) throws {
        try database.write { sql in
            try sql.execute(
                """
                UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3
                WHERE id = $1
                """, [.integer(id), .real(retryAt), .text(error)])
        }
    }

    /// Records a failed attempt after which the row is not tried again.
    public func markFailed(_ id: Int64, error: String) throws {
        try database.write { sql in
            try sql.execute(
                """
                UPDATE notification_outbox SET status = 'failed', attempts = attempts + 1, next_attempt_at = NULL,
                    last_error = $2 WHERE id = $1
                """, [.integer(id), .text(error)])
        }
    }

    /// Returns every row, oldest first, by a full scan. It is meant for tests and operators' checks.
    public func entries(sink: String? = nil) throws -> [OutboxEntry] {
        try database.read { sql in
            let rows =
                try sink.map {
                    try sql.query("SELECT * FROM notification_outbox WHERE sink = $1 ORDER BY id", [.text($0)])
                } ?? sql.query("SELECT * FROM notification_outbox ORDER BY id", [])
            return try rows.map(OutboxEntry.init(row:))
        }
    }

    /// Returns whether a row with this sink and key exists.
    public func contains(sink: String, dedupeKey: String) throws -> Bool {
        try database.read { sql in
            try sql.first(
                "SELECT id FROM notification_outbox WHERE sink = $1 AND dedupe_key = $2",
                [.text(sink), .text(dedupeKey)]) != nil
        }
    }
}
