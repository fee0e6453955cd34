import Foundation

/// How far Agora may act on a policy's `execute[...]` rows.
public enum PolicyMode: String, CaseIterable, Sendable {
    /// Evaluate and record, never plan actions.
    case monitor
    /// Plan actions and show them, never run them.
    case dryRun = "dry-run"
    /// Run an action once an operator approves it.
    case approve
    /// Run actions as they appear.
    case enforce
}

/// A policy as stored: the fields of Congress's Policy object plus Agora's action mode.
public struct PolicyRecord: Equatable, Sendable {
    public var id: String
    public var name: String
    public var abbreviation: String
    public var kind: String
    public var description: String
    public var ownerID: String
    public var createdAt: Date
    public var mode: PolicyMode
}

/// The fields of a policy to create. The service fills in Congress's defaults and validates
/// the name; the store takes the values as given.
public struct NewPolicy: Sendable {
    public var id: String?
    public var name: String
    public var abbreviation: String
    public var kind: String
    public var description: String
    public var ownerID: String
    public var mode: PolicyMode

    /// `id` nil makes a new UUID.
    public init(
        id: String? = nil, name: String, abbreviation: String, kind: String = "nonrecursive", description: String = "",
        ownerID: String = "user", mode: PolicyMode = .dryRun
    ) {
        self.id = id
        self.name = name
        self.abbreviation = abbreviation
        self.kind = kind
        self.description = description
        self.ownerID = ownerID
        self.mode = mode
    }
}

/// Policies and their rules. Deleting a policy deletes its rules (a foreign key with
/// `ON DELETE CASCADE`).
public struct PolicyRecords: Sendable {
    public let database: any Database
    let clock: StoreClock

    public static let migrations = [
        Migration(component: "policies", version: 1, summary: "policies and rules") { _ in
            [
                """
                CREATE TABLE policies (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, abbreviation TEXT NOT NULL, kind TEXT NOT NULL,
                    description TEXT NOT NULL, owner_id TEXT NOT NULL, created_at TEXT NOT NULL,
                    mode TEXT NOT NULL DEFAULT 'dry-run')
                """,
                """
                CREATE TABLE policy_rules (
                    id TEXT PRIMARY KEY, policy_id TEXT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
                    name TEXT, comment TEXT, original TEXT NOT NULL, created_at TEXT NOT NULL,
                    position BIGINT NOT NULL, UNIQUE (policy_id, position))
                """,
            ]
        }
    ]

    public init(database: any Database, clock: @escaping StoreClock = { Date() }) {
        self.database = database
        self.clock = Timestamp.millisecondClock(clock)
    }

    /// Creates a policy with its first rules in one transaction; a duplicate name or id throws
    /// `StoreError.constraint` and keeps nothing.
    public func createPolicy(_ new: NewPolicy, rules: [NewRule] = [], audit: AuditActor? = nil) throws -> (
        policy: PolicyRecord, rules: [RuleRecord]
    ) {
        let now = clock()
        let policy = PolicyRecord(
            id: new.id ?? RecordID.make(), name: new.name, abbreviation: new.abbreviation, kind: new.kind,
            description: new.description, ownerID: new.ownerID, createdAt: now, mode: new.mode)
        let added = try database.write { sql in
            try sql.execute(
                """
                INSERT INTO policies (id, name, abbreviation, kind, description, owner_id, created_at, mode)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [
                    .text(policy.id), .text(policy.name), .text(policy.abbreviation), .text(policy.kind),
                    .text(policy.description), .text(policy.ownerID), .text(Timestamp.text(now)),
                    .text(policy.mode.rawValue),
                ])
            var added: [RuleRecord] = []
            for rule in rules { added.append(try insertRule(rule, policyID: policy.id, at: now, in: sql)) }
            try AuditActor.record(
                audit, in: sql, at: now, action: "create_policy", objectKind: "policy", objectID: policy.id,
                detail: ["name": policy.name, "rules": rules.count])
            return added
        }
        return (policy, added)
    }

    /// Returns every policy, oldest first.
    public func listPolicies() throws -> [PolicyRecord] {
        let rows = try database.read { sql in try sql.query("SELECT * FROM policies ORDER BY created_at, name", []) }
        return try rows.map(Self.policy)
    }

    /// Returns the policy whose id or name is `key`. An id match wins over a name match.
    public func policy(_ key: String) throws -> PolicyRecord? {
        try database.read { sql in try Self.findPolicy(key, in: sql) }
    }

    /// Deletes the policy whose id or name is `key`, with its rules, and returns it; nil when
    /// no policy matched.
    @discardableResult
    public func deletePolicy(_ key: String, audit: AuditActor? = nil) throws -> PolicyRecord? {
        let now = clock()
        return try database.write { sql in
            guard let policy = try Self.findPolicy(key, in: sql) else { return nil }
            try sql.execute("DELETE FROM policies WHERE id = $1", [.text(policy.id)])
            try AuditActor.record(
                audit, in: sql, at: now, action: "delete_policy", objectKind: "policy", objectID: policy.id,
                detail: ["name": policy.name])
            return policy
        }
    }

    /// Sets the action mode of the policy whose id or name is `key` and returns the policy.
    @discardableResult
    public func setMode(_ mode: PolicyMode, policy key: String, audit: AuditActor? = nil) throws -> PolicyRecord {
        let now = clock()
        return try database.write { sql in
            guard var policy = try Self.findPolicy(key, in: sql) else {
                throw StoreError.notFound(kind: "policy", key: key)
            }
            try sql.execute("UPDATE policies SET mode = $1 WHERE id = $2", [.text(mode.rawValue), .text(policy.id)])
            try AuditActor.record(
                audit, in: sql, at: now, action: "set_mode", objectKind: "policy", objectID: policy.id,
                detail: ["from": policy.mode.rawValue, "to": mode.rawValue])
            policy.mode = mode
            return policy
        }
    }

    static func findPolicy(_ key: String, in sql: any SQLExecutor) throws(StoreError) -> PolicyRecord? {
        let rows = try sql.query(
            "SELECT * FROM policies WHERE id = $1 OR name = $1 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END",
            [.text(key)])
        return try rows.first.map(policy)
    }

    private static func policy(_ row: SQLRow) throws(StoreError) -> PolicyRecord {
        let modeText = try row.string("mode")
        guard let mode = PolicyMode(rawValue: modeText) else {
            throw .columnType(column: "mode", expected: "monitor, dry-run, approve or enforce", found: .text(modeText))
        }
        return PolicyRecord(
            id: try row.string("id"), name: try row.string("name"), abbreviation: try row.string("abbreviation"),
            kind: try row.string("kind"), description: try row.string("description"),
            ownerID: try row.string("owner_id"), createdAt: try Timestamp.date(row, "created_at"), mode: mode)
    }
}
