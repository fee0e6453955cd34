import Foundation
import Store

/// The durable record of every action intent and its timeline, in the store's `ledger`
/// component. Each method is one transaction, so a record and the timeline step that explains
/// it are committed together.
public final class ActionLedger: Sendable {
    public let database: any Database

    /// Opens the ledger on `database`, bringing the `ledger` schema up to date.
    public init(database: any Database) throws {
        self.database = database
        try Migrator.apply(Self.migrations, to: database)
    }

    /// Writes a new intent in the `requested` state with its `requested` timeline step.
    public func insert(_ intent: ActionIntent, at time: Double, actor: String = "agora") throws -> ActionRecord {
        let id = try database.write { sql -> Int64 in
            let row = try sql.first(
                """
                INSERT INTO actions (key, policy, action, arguments, response, vm_id, address, project_id, state,
                    requested_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
                """,
                [
                    .text(intent.key), .text(intent.policy), .text(intent.action), .text(intent.arguments),
                    SQLValue(intent.response?.rawValue), SQLValue(intent.target.vmID),
                    SQLValue(intent.target.address), SQLValue(intent.target.projectID),
                    .text(ActionState.requested.rawValue), .real(time),
                ])
            guard let id = row?.optionalInt("id") else {
                throw StoreError.statement(sql: "INSERT INTO actions", code: "returning", message: "no id returned")
            }
            try Self.addEvent(sql, id: id, kind: .requested, actor: actor, detail: intent.key, at: time)
            return id
        }
        return try require(id)
    }

    /// Applies `change` to the record and writes it back with one timeline step, in one transaction.
    @discardableResult
    public func transition(
        _ id: Int64, event kind: ActionEventKind, actor: String, detail: String, at time: Double,
        _ change: (inout ActionRecord) -> Void = { _ in }
    ) throws -> ActionRecord {
        try database.write { sql in
            guard var record = try Self.load(sql, id: id) else { throw EnforcementError.actionNotFound(id: id) }
            change(&record)
            let changes = String(decoding: try JSONEncoder().encode(record.changes), as: UTF8.self)
            try sql.execute(
                """
                UPDATE actions SET state = $2, reason = $3, attempts = $4, incident_id = $5, decided_at = $6,
                    decided_by = $7, executed_at = $8, backend = $9, result = $10, changes = $11, verified_at = $12,
                    released_at = $13, released_by = $14, release_due = $15, retry_at = $16, project_id = $17
                WHERE id = $1
                """,
                [
                    .integer(id), .text(record.state.rawValue), .text(record.reason),
                    .integer(Int64(record.attempts)), SQLValue(record.incidentID), SQLValue(record.decidedAt),
                    SQLValue(record.decidedBy), SQLValue(record.executedAt), SQLValue(record.backend),
                    .text(record.result), .text(changes), SQLValue(record.verifiedAt), SQLValue(record.releasedAt),
                    SQLValue(record.releasedBy), SQLValue(record.releaseDue), SQLValue(record.retryAt),
                    SQLValue(record.target.projectID),
                ])
            try Self.addEvent(sql, id: id, kind: kind, actor: actor, detail: detail, at: time)
            return record
        }
    }

    /// Adds a timeline step without changing the record.
    public func addEvent(_ id: Int64, kind: ActionEventKind, actor: String, detail: String, at time: Double) throws {
        try database.write { sql in
            try Self.addEvent(sql, id: id, kind: kind, actor: actor, detail: detail, at: time)
        }
    }

    /// Appends an evidence reference to the action, with an `evidence_added` step. Returns false,
    /// and writes nothing, when the action already has that reference.
    @discardableResult
    public func appendEvidence(_ id: Int64, reference: String, actor: String = "agora", at time: Double) throws
        -> Bool
    {
        try database.write { sql in
            let present = try sql.first(
                "SELECT 1 AS present FROM action_evidence WHERE action_id = $1 AND reference = $2",
                [.integer(id), .text(reference)])
            if present != nil { return false }
            try sql.execute(
                "INSERT INTO action_evidence (action_id, at, reference) VALUES ($1, $2, $3)",
                [.integer(id), .real(time), .text(reference)])
            try Self.addEvent(sql, id: id, kind: .evidenceAdded, actor: actor, detail: reference, at: time)
            return true
        }
    }

    /// Records the incident that the service opened for the action.
    public func linkIncident(_ id: Int64, incidentID: String, at time: Double) throws {
        try transition(id, event: .incidentLinked, actor: "agora", detail: incidentID, at: time) {
            $0.incidentID = incidentID
        }
    }

    /// Stores whether the `execute[...]` row with `key` is currently derived, so that a row the
    /// engine derives again after a restart is recognised as the same row.
    public func setRow(_ key: String, live: Bool, at time: Double) throws {
        _ = try database.write { sql in
            try sql.execute(
                """
                INSERT INTO action_rows (key, live, changed_at) VALUES ($1, $2, $3)
                ON CONFLICT (key) DO UPDATE SET live = excluded.live, changed_at = excluded.changed_at
                """,
                [.text(key), SQLValue(live), .real(time)])
        }
    }

    // MARK: Inside a transaction

    static func addEvent(
        _ sql: any SQLExecutor, id: Int64, kind: ActionEventKind, actor: String, detail: String, at time: Double
    ) throws {
        try sql.execute(
            "INSERT INTO action_events (action_id, at, kind, actor, detail) VALUES ($1, $2, $3, $4, $5)",
            [.integer(id), .real(time), .text(kind.rawValue), .text(actor), .text(detail)])
    }

    static func load(_ sql: any SQLExecutor, id: Int64) throws -> ActionRecord? {
        guard let row = try sql.first("SELECT * FROM actions WHERE id = $1", [.integer(id)]) else { return nil }
        let evidence = try sql.query(
            "SELECT reference FROM action_evidence WHERE action_id = $1 ORDER BY id", [.integer(id)])
        return try decode(row, evidence: evidence.map { try $0.string("reference") })
    }

    static func decode(_ row: SQLRow, evidence: [String]) throws -> ActionRecord {
        let id = try row.int("id")
        let stateText = try row.string("state")
        guard let state = ActionState(rawValue: stateText) else {
            throw EnforcementError.corruptRecord(id: id, field: "state", message: "unknown state \(stateText)")
        }
        let changes: [AppliedChange]
        do {
            changes = try JSONDecoder().decode([AppliedChange].self, from: Data(try row.string("changes").utf8))
        } catch let error as StoreError {
            throw error
        } catch {
            throw EnforcementError.corruptRecord(id: id, field: "changes", message: "\(error)")
        }
        return ActionRecord(
            id: id, key: try row.string("key"), policy: try row.string("policy"), action: try row.string("action"),
            arguments: try row.string("arguments"),
            response: row.optionalString("response").flatMap(ResponseKind.init(rawValue:)),
            target: ActionTarget(
                vmID: row.optionalString("vm_id"), address: row.optionalString("address"),
                projectID: row.optionalString("project_id")),
            state: state, reason: try row.string("reason"), attempts: Int(try row.int("attempts")),
            incidentID: row.optionalString("incident_id"), requestedAt: row["requested_at"].real ?? 0,
            decidedAt: row["decided_at"].real, decidedBy: row.optionalString("decided_by"),
            executedAt: row["executed_at"].real, backend: row.optionalString("backend"),
            result: try row.string("result"), changes: changes, verifiedAt: row["verified_at"].real,
            releasedAt: row["released_at"].real, releasedBy: row.optionalString("released_by"),
            releaseDue: row["release_due"].real, retryAt: row["retry_at"].real, evidence: evidence)
    }

    private func require(_ id: Int64) throws -> ActionRecord {
        guard let record = try record(id) else { throw EnforcementError.actionNotFound(id: id) }
        return record
    }
}
