import Foundation

/// The user and project that made a change, as the API's authentication identified them.
public struct AuditActor: Equatable, Sendable {
    public var user: String
    public var project: String?

    public init(user: String, project: String? = nil) {
        self.user = user
        self.project = project
    }
}

/// One row of the audit log.
public struct AuditEntry: Equatable, Sendable {
    public var id: Int64
    public var at: Date
    public var actor: AuditActor
    /// The change, as a verb phrase in snake case: `create_policy`, `delete_rule`, `set_mode`, ...
    public var action: String
    public var objectKind: String
    public var objectID: String
    /// A JSON object with the details of the change.
    public var detail: String
}

/// Conditions on `AuditRecords.list`; a nil field matches every entry.
public struct AuditFilter: Sendable {
    public var user: String?
    public var project: String?
    public var action: String?
    public var objectKind: String?
    public var objectID: String?

    public init(
        user: String? = nil, project: String? = nil, action: String? = nil, objectKind: String? = nil,
        objectID: String? = nil
    ) {
        self.user = user
        self.project = project
        self.action = action
        self.objectKind = objectKind
        self.objectID = objectID
    }
}

/// The append-only audit log. Other repositories write their entries through `append(in:...)`
/// inside their own transaction, so a change and its entry commit together.
public struct AuditRecords: Sendable {
    public let database: any Database
    private let clock: StoreClock

    public static let migrations = [
        Migration(component: "audit", version: 1, summary: "audit log") { dialect in
            [
                """
                CREATE TABLE audit_log (
                    id \(dialect.generatedKey), at TEXT NOT NULL, actor_user TEXT NOT NULL, actor_project TEXT,
                    action TEXT NOT NULL, object_kind TEXT NOT NULL, object_id TEXT NOT NULL, detail TEXT NOT NULL)
                """,
                "CREATE INDEX audit_log_object ON audit_log (object_kind, object_id)",
            ]
        }
    ]

    public init(database: any Database, clock: @escaping StoreClock = { Date() }) {
        self.database = database
        self.clock = Timestamp.millisecondClock(clock)
    }

    /// Appends one entry in its own transaction and returns it.
    @discardableResult
    public func append(
        actor: AuditActor, action: String, objectKind: String, objectID: String, detail: String = "{}"
    ) throws -> AuditEntry {
        let at = clock()
        let id = try database.write { sql in
            try Self.append(
                in: sql, at: at, actor: actor, action: action, objectKind: objectKind, objectID: objectID,
                detail: detail)
        }
        return AuditEntry(
            id: id, at: at, actor: actor, action: action, objectKind: objectKind, objectID: objectID, detail: detail)
    }

    /// Appends one entry inside the caller's transaction and returns its generated id.
    @discardableResult
    public static func append(
        in sql: any SQLExecutor, at: Date, actor: AuditActor, action: String, objectKind: String, objectID: String,
        detail: String
    ) throws(StoreError) -> Int64 {
        let row = try sql.first(
            """
            INSERT INTO audit_log (at, actor_user, actor_project, action, object_kind, object_id, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """,
            [
                .text(Timestamp.text(at)), .text(actor.user), SQLValue(actor.project), .text(action),
                .text(objectKind), .text(objectID), .text(detail),
            ])
        guard let row else { throw .statement(sql: "INSERT INTO audit_log", code: "returning", message: "no id") }
        return try row.int("id")
    }

    /// Returns at most `limit` entries that match `filter`, newest first.
    public func list(matching filter: AuditFilter = AuditFilter(), limit: Int = 100) throws -> [AuditEntry] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        let columns: [(String, String?)] = [
            ("actor_user", filter.user), ("actor_project", filter.project), ("action", filter.action),
            ("object_kind", filter.objectKind), ("object_id", filter.objectID),
        ]
        for (column, value) in columns {
            guard let value else { continue }
            parameters.append(.text(value))
            conditions.append("\(column) = $\(parameters.count)")
        }
        parameters.append(.integer(Int64(max(0, limit))))
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let query = "SELECT * FROM audit_log \(whereClause) ORDER BY id DESC LIMIT $\(parameters.count)"

        let rows = try database.read { sql in try sql.query(query, parameters) }
        return try rows.map(Self.entry)
    }

    private static func entry(_ row: SQLRow) throws(StoreError) -> AuditEntry {
        AuditEntry(
            id: try row.int("id"), at: try Timestamp.date(row, "at"),
            actor: AuditActor(user: try row.string("actor_user"), project: row.optionalString("actor_project")),
            action: try row.string("action"), objectKind: try row.string("object_kind"),
            objectID: try row.string("object_id"), detail: try row.string("detail"))
    }
}

extension AuditActor {
    /// Writes this actor's entry for a change inside the change's transaction. A nil actor writes
    /// nothing, so repositories pass their optional `audit` argument straight through.
    static func record(
        _ actor: AuditActor?, in sql: any SQLExecutor, at: Date, action: String, objectKind: String, objectID: String,
        detail: [String: Any] = [:]
    ) throws(StoreError) {
        guard let actor else { return }
        try AuditRecords.append(
            in: sql, at: at, actor: actor, action: action, objectKind: objectKind, objectID: objectID,
            detail: DetailJSON.encode(detail))
    }
}
