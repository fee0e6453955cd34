import Foundation

/// A policy rule as stored: the original text the user sent, in the order rules were added.
public struct RuleRecord: Equatable, Sendable {
    public var id: String
    public var policyID: String
    public var name: String?
    public var comment: String?
    public var original: String
    public var createdAt: Date
    /// The rule's place in its policy, counting from 1 in the order the rules were added.
    public var position: Int64
}

/// The fields of a rule to add.
public struct NewRule: Sendable {
    public var id: String?
    public var original: String
    public var name: String?
    public var comment: String?

    /// `id` nil makes a new UUID.
    public init(id: String? = nil, original: String, name: String? = nil, comment: String? = nil) {
        self.id = id
        self.original = original
        self.name = name
        self.comment = comment
    }
}

extension PolicyRecords {
    /// Adds a rule at the end of the policy whose id or name is `policyKey`; throws
    /// `StoreError.notFound` when there is no such policy.
    public func addRule(_ rule: NewRule, toPolicy policyKey: String, audit: AuditActor? = nil) throws -> RuleRecord {
        let now = clock()
        return try database.write { sql in
            guard let policy = try Self.findPolicy(policyKey, in: sql) else {
                throw StoreError.notFound(kind: "policy", key: policyKey)
            }
            let record = try insertRule(rule, policyID: policy.id, at: now, in: sql)
            try AuditActor.record(
                audit, in: sql, at: now, action: "create_rule", objectKind: "rule", objectID: record.id,
                detail: ["policy": policy.name])
            return record
        }
    }

    /// Returns the rules of the policy whose id or name is `policyKey`, in the order they were
    /// added. Throws `StoreError.notFound` when there is no such policy.
    public func rules(ofPolicy policyKey: String) throws -> [RuleRecord] {
        try database.read { sql in
            guard let policy = try Self.findPolicy(policyKey, in: sql) else {
                throw StoreError.notFound(kind: "policy", key: policyKey)
            }
            let rows = try sql.query(
                "SELECT * FROM policy_rules WHERE policy_id = $1 ORDER BY position", [.text(policy.id)])
            return try rows.map(Self.rule)
        }
    }

    /// Returns the rule with id `ruleID` in the policy whose id or name is `policyKey`, or nil.
    public func rule(_ ruleID: String, inPolicy policyKey: String) throws -> RuleRecord? {
        try database.read { sql in try Self.findRule(ruleID, inPolicy: policyKey, in: sql) }
    }

    /// Deletes a rule and returns it; nil when the policy has no rule with that id.
    @discardableResult
    public func deleteRule(_ ruleID: String, inPolicy policyKey: String, audit: AuditActor? = nil) throws -> RuleRecord?
    {
        let now = clock()
        return try database.write { sql in
            guard let rule = try Self.findRule(ruleID, inPolicy: policyKey, in: sql) else { return nil }
            try sql.execute("DELETE FROM policy_rules WHERE id = $1", [.text(rule.id)])
            try AuditActor.record(
                audit, in: sql, at: now, action: "delete_rule", objectKind: "rule", objectID: rule.id,
                detail: ["policy": policyKey])
            return rule
        }
    }

    func insertRule(_ rule: NewRule, policyID: String, at now: Date, in sql: any SQLExecutor) throws(StoreError)
        -> RuleRecord
    {
        let last = try sql.first(
            "SELECT COALESCE(MAX(position), 0) AS last FROM policy_rules WHERE policy_id = $1", [.text(policyID)])
        let record = RuleRecord(
            id: rule.id ?? RecordID.make(), policyID: policyID, name: rule.name, comment: rule.comment,
            original: rule.original, createdAt: now, position: (try last?.int("last") ?? 0) + 1)
        try sql.execute(
            """
            INSERT INTO policy_rules (id, policy_id, name, comment, original, created_at, position)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                .text(record.id), .text(policyID), SQLValue(record.name), SQLValue(record.comment),
                .text(record.original), .text(Timestamp.text(now)), .integer(record.position),
            ])
        return record
    }

    private static func findRule(_ ruleID: String, inPolicy policyKey: String, in sql: any SQLExecutor)
        throws(StoreError) -> RuleRecord?
    {
        guard let policy = try findPolicy(policyKey, in: sql) else { return nil }
        let row = try sql.first(
            "SELECT * FROM policy_rules WHERE id = $1 AND policy_id = $2", [.text(ruleID), .text(policy.id)])
        return try row.map(rule)
    }

    private static func rule(_ row: SQLRow) throws(StoreError) -> RuleRecord {
        RuleRecord(
            id: try row.string("id"), policyID: try row.string("policy_id"), name: row.optionalString("name"),
            comment: row.optionalString("comment"), original: try row.string("original"),
            createdAt: try Timestamp.date(row, "created_at"), position: try row.int("position"))
    }
}
