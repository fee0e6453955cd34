import Foundation

/// The permission level of an API key.
public enum TokenRole: String, CaseIterable, Sendable {
    case admin
    case `operator`
    case viewer
}

/// An Agora API key as stored. The store keeps only the SHA-256 of the key, never the key.
public struct TokenRecord: Equatable, Sendable {
    public var id: String
    public var name: String
    public var role: TokenRole
    /// The project the key is limited to, or nil for every project.
    public var projectID: String?
    /// The SHA-256 of the key as 64 lowercase hex digits.
    public var hash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revoked: Bool
}

/// A key just created: the only time its plaintext is available.
public struct IssuedToken: Sendable {
    public var record: TokenRecord
    /// `agora_` followed by 32 random bytes in unpadded base64url.
    public var plaintext: String
}

/// Agora API keys.
public struct TokenRecords: Sendable {
    public let database: any Database
    private let clock: StoreClock

    public static let prefix = "agora_"

    public static let migrations = [
        Migration(component: "api_tokens", version: 1, summary: "API keys") { _ in
            [
                """
                CREATE TABLE api_tokens (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, project_id TEXT,
                    token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, last_used_at TEXT,
                    revoked INTEGER NOT NULL DEFAULT 0)
                """
            ]
        }
    ]

    public init(database: any Database, clock: @escaping StoreClock = { Date() }) {
        self.database = database
        self.clock = Timestamp.millisecondClock(clock)
    }

    /// Creates a key and returns it with its plaintext, which the store does not keep.
    public func create(name: String, role: TokenRole, projectID: String? = nil, audit: AuditActor? = nil) throws
        -> IssuedToken
    {
        let plaintext = Self.prefix + Self.base64URL(try Self.randomBytes(32))
        let now = clock()
        let record = TokenRecord(
            id: RecordID.make(), name: name, role: role, projectID: projectID, hash: SHA256.hexDigest(plaintext),
            createdAt: now, lastUsedAt: nil, revoked: false)
        try database.write { sql in
            try sql.execute(
                """
                INSERT INTO api_tokens (id, name, role, project_id, token_hash, created_at, revoked)
                VALUES ($1, $2, $3, $4, $5, $6, 0)
                """,
                [
                    .text(record.id), .text(name), .text(role.rawValue), SQLValue(projectID), .text(record.hash),
                    .text(Timestamp.text(now)),
                ])
            try AuditActor.record(
                audit, in: sql, at: now, action: "create_token", objectKind: "token", objectID: record.id,
                detail: ["name": name, "role": role.rawValue])
        }
        return IssuedToken(record: record, plaintext: plaintext)
    }

    /// Finds the key whose plaintext is `plaintext` by its hash. Returns nil for an unknown or
    /// revoked key.
    public func lookup(plaintext: String) throws -> TokenRecord? {
        let hash = SHA256.hexDigest(plaintext)
        let row = try database.read { sql in
            try sql.first("SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked = 0", [.text(hash)])
        }
        return try row.map(Self.record)
    }

    /// Sets the key's last use to now. A write per call, so callers may want to limit how often.
    public func markUsed(id: String) throws {
        let now = clock()
        try database.write { sql in
            try sql.execute(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", [.text(Timestamp.text(now)), .text(id)])
        }
    }

    /// Returns every key, revoked ones included, oldest first.
    public func list() throws -> [TokenRecord] {
        let rows = try database.read { sql in try sql.query("SELECT * FROM api_tokens ORDER BY created_at, id", []) }
        return try rows.map(Self.record)
    }

    /// Revokes the key with id `id`; throws `StoreError.notFound` for an unknown id.
    public func revoke(id: String, audit: AuditActor? = nil) throws {
        let now = clock()
        try database.write { sql in
            let changed = try sql.execute("UPDATE api_tokens SET revoked = 1 WHERE id = $1", [.text(id)])
            guard changed > 0 else { throw StoreError.notFound(kind: "token", key: id) }
            try AuditActor.record(audit, in: sql, at: now, action: "revoke_token", objectKind: "token", objectID: id)
        }
    }

    static func randomBytes(_ count: Int) throws(StoreError) -> [UInt8] {
        guard let file = FileHandle(forReadingAtPath: "/dev/urandom") else {
            throw .open(location: "/dev/urandom", message: "cannot read random bytes for a new API key")
        }
        defer { try? file.close() }
        let bytes = [UInt8](file.readData(ofLength: count))
        guard bytes.count == count else {
            throw .open(location: "/dev/urandom", message: "read \(bytes.count) of \(count) random bytes")
        }
        return bytes
    }

    /// Base64url without padding (RFC 4648 section 5).
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func record(_ row: SQLRow) throws(StoreError) -> TokenRecord {
        let roleText = try row.string("role")
        guard let role = TokenRole(rawValue: roleText) else {
            throw .columnType(column: "role", expected: "admin, operator or viewer", found: .text(roleText))
        }
        return TokenRecord(
            id: try row.string("id"), name: try row.string("name"), role: role,
            projectID: row.optionalString("project_id"), hash: try row.string("token_hash"),
            createdAt: try Timestamp.date(row, "created_at"),
            lastUsedAt: try Timestamp.optionalDate(row, "last_used_at"),
            revoked: try row.bool("revoked"))
    }
}
