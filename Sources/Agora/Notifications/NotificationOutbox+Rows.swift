import Foundation
import OpenStack
import Store

extension NotificationOutbox {
    /// The most folded events a summary lists in full; it counts the rest.
    static let summaryListLimit = 50

    static func insert(
        _ sql: any SQLExecutor, sink: String, dedupeKey: String, eventID: Int64, kind: String, incidentID: String?,
        payload: String, status: OutboxEntry.Status, summaryID: Int64?, now: Double, nextAttempt: Double?
    ) throws -> Int64 {
        let row = try sql.first(
            """
            INSERT INTO notification_outbox (sink, dedupe_key, delivery_id, event_id, event_kind, incident_id, payload,
                created_at, status, summary_id, next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
            """,
            [
                .text(sink), .text(dedupeKey), .text(UUID().uuidString.lowercased()), .integer(eventID), .text(kind),
                SQLValue(incidentID), .text(payload), .real(now), .text(status.rawValue), SQLValue(summaryID),
                SQLValue(nextAttempt),
            ])
        guard let id = row?.optionalInt("id") else {
            throw StoreError.statement(sql: "INSERT INTO notification_outbox", code: "returning", message: "no id")
        }
        return id
    }

    /// Returns the incident's summary that still takes folded rows (pending, payload not built),
    /// creating one due at `due` when there is none.
    static func openSummary(
        _ sql: any SQLExecutor, sink: String, incidentID: String, dedupeKey: String, event: AgoraEvent, due: Double,
        now: Double
    ) throws -> Int64 {
        let open = try sql.first(
            """
            SELECT id FROM notification_outbox
            WHERE sink = $1 AND incident_id = $2 AND event_kind = $3 AND status = 'pending' AND payload = ''
            ORDER BY id LIMIT 1
            """, [.text(sink), .text(incidentID), .text(OutboxEntry.summaryKind)])
        if let id = open?.optionalInt("id") { return id }
        // The first folded row's key is unique per sink, so the summary's key built from it is too.
        return try insert(
            sql, sink: sink, dedupeKey: "\(OutboxEntry.summaryKind):\(incidentID):\(dedupeKey)", eventID: event.id,
            kind: OutboxEntry.summaryKind, incidentID: incidentID, payload: "", status: .pending, summaryID: nil,
            now: now, nextAttempt: due)
    }

    /// Builds a summary's payload: the incident, how many events it carries, and the first
    /// `summaryListLimit` of them in full.
    static func composeSummary(_ sql: any SQLExecutor, _ summary: OutboxEntry) throws -> String {
        let rows = try sql.query(
            "SELECT * FROM notification_outbox WHERE summary_id = $1 ORDER BY id", [.integer(summary.id)])
        let folded = try rows.map(OutboxEntry.init(row:))
        let listed = folded.prefix(summaryListLimit).map { entry -> JSON in
            let event = (try? JSON.parse(Data(entry.payload.utf8), source: "outbox row \(entry.id)")) ?? .null
            return [
                "kind": .string(entry.eventKind), "dedupe_key": .string(entry.dedupeKey),
                "created_at": .string(Timestamps.text(Date(timeIntervalSince1970: entry.createdAt))), "event": event,
            ]
        }
        let kinds = Dictionary(grouping: folded, by: \.eventKind).mapValues { JSON.int(Int64($0.count)) }
        let summary: JSON = [
            "kind": .string(OutboxEntry.summaryKind), "incident_id": .string(summary.incidentID ?? ""),
            "count": .int(Int64(folded.count)), "counts_by_kind": .object(kinds), "events": .array(listed),
            "not_listed": .int(Int64(max(0, folded.count - summaryListLimit))),
        ]
        return summary.text
    }
}
