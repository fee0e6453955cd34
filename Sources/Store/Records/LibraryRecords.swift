import Foundation

/// One rule of a library policy, as Congress's library API carries it.
public struct LibraryRule: Equatable, Sendable {
    public var rule: String
    public var name: String?
    public var comment: String?

    public init(rule: String, name: String? = nil, comment: String? = nil) {
        self.rule = rule
        self.name = name
        self.comment = comment
    }
}

/// A library policy: a named template that the API copies into a new policy.
public struct LibraryPolicyRecord: Equatable, Sendable {
    public var id: String
    public var name: String
    public var abbreviation: String
    public var description: String
    public var kind: String
    public var rules: [LibraryRule]

    /// `id` nil makes a new UUID when the record is created.
    public init(
        id: String? = nil, name: String, abbreviation: String = "", description: String = "",
        kind: String = "nonrecursive", rules: [LibraryRule] = []
    ) {
        self.id = id ?? ""
        self.name = name
        self.abbreviation = abbreviation
        self.description = description
        self.kind = kind
        self.rules = rules
    }
}

/// Library policies, their rules kept as one JSON array (`[{"rule", "name", "comment"}]`).
public struct LibraryRecords: Sendable {
    public let database: any Database
    private let clock: StoreClock

    public static let migrations = [
        Migration(component: "library", version: 1, summary: "library policies") { _ in
            [
                """
                CREATE TABLE library_policies (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, abbreviation TEXT NOT NULL,
                    description TEXT NOT NULL, kind TEXT NOT NULL, rules TEXT NOT NULL, created_at TEXT NOT NULL)
                """
            ]
        }
    ]

    public init(database: any Database, clock: @escaping StoreClock = { Date() }) {
        self.database = database
        self.clock = Timestamp.millisecondClock(clock)
    }

    /// Stores a library policy, with a new UUID when `policy.id` is empty, and returns it.
    public func create(_ policy: LibraryPolicyRecord, audit: AuditActor? = nil) throws -> LibraryPolicyRecord {
        var record = policy
        if record.id.isEmpty { record.id = RecordID.make() }
        let now = clock()
        try database.write { sql in
            try sql.execute(
                """
                INSERT INTO library_policies (id, name, abbreviation, description, kind, rules, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .text(record.id), .text(record.name), .text(record.abbreviation), .text(record.description),
                    .text(record.kind), .text(Self.encode(record.rules)), .text(Timestamp.text(now)),
                ])
            try AuditActor.record(
                audit, in: sql, at: now, action: "create_library_policy", objectKind: "library_policy",
                objectID: record.id, detail: ["name": record.name])
        }
        return record
    }

    /// Returns every library policy, ordered by name, or only the one named `name`.
    public func list(name: String? = nil) throws -> [LibraryPolicyRecord] {
        let rows = try database.read { sql in
            if let name {
                return try sql.query("SELECT * FROM library_policies WHERE name = $1", [.text(name)])
            }
            return try sql.query("SELECT * FROM library_policies ORDER BY name", [])
        }
        return try rows.map(Self.record)
    }

    /// Returns the library policy whose id or name is `key`. An id match wins over a name match.
    public func get(_ key: String) throws -> LibraryPolicyRecord? {
        try database.read { sql in try Self.find(key, in: sql) }
    }

    /// Deletes the library policy whose id or name is `key` and returns it; nil when none matched.
    @discardableResult
    public func delete(_ key: String, audit: AuditActor? = nil) throws -> LibraryPolicyRecord? {
        let now = clock()
        return try database.write { sql in
            guard let record = try Self.find(key, in: sql) else { return nil }
            try sql.execute("DELETE FROM library_policies WHERE id = $1", [.text(record.id)])
            try AuditActor.record(
                audit, in: sql, at: now, action: "delete_library_policy", objectKind: "library_policy",
                objectID: record.id, detail: ["name": record.name])
            return record
        }
    }

    private static func find(_ key: String, in sql: any SQLExecutor) throws(StoreError) -> LibraryPolicyRecord? {
        let rows = try sql.query(
            "SELECT * FROM library_policies WHERE id = $1 OR name = $1 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END",
            [.text(key)])
        return try rows.first.map(record)
    }

    private static func record(_ row: SQLRow) throws(StoreError) -> LibraryPolicyRecord {
        LibraryPolicyRecord(
            id: try row.string("id"), name: try row.string("name"), abbreviation: try row.string("abbreviation"),
            description: try row.string("description"), kind: try row.string("kind"),
            rules: try decode(try row.string("rules")))
    }

    static func encode(_ rules: [LibraryRule]) -> String {
        let objects: [[String: Any]] = rules.map { rule in
            ["rule": rule.rule, "name": rule.name ?? NSNull(), "comment": rule.comment ?? NSNull()]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys]) else {
            return "[]"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) throws(StoreError) -> [LibraryRule] {
        let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        guard let objects = parsed as? [[String: Any]] else {
            throw .invalidJSON(field: "library_policies.rules", message: "expected an array of objects")
        }
        var rules: [LibraryRule] = []
        for object in objects {
            guard let rule = object["rule"] as? String else {
                throw .invalidJSON(field: "library_policies.rules", message: "a rule object lacks its \"rule\" text")
            }
            rules.append(
                LibraryRule(rule: rule, name: object["name"] as? String, comment: object["comment"] as? String))
        }
        return rules
    }
}
