import Foundation

/// How far an ingest input has been read: the file it read (device and inode, so a rotated
/// file is noticed) and the byte offset after the last complete record.
public struct IngestOffset: Equatable, Sendable {
    public var input: String
    /// The file's identity as `device:inode`.
    public var fileIdentity: String
    public var offset: Int64
    public var updatedAt: Date

    public init(input: String, fileIdentity: String, offset: Int64, updatedAt: Date) {
        self.input = input
        self.fileIdentity = fileIdentity
        self.offset = offset
        self.updatedAt = updatedAt
    }
}

/// Ingest offsets, one per input key.
public struct OffsetRecords: Sendable {
    public let database: any Database
    private let clock: StoreClock

    public static let migrations = [
        Migration(component: "ingest_offsets", version: 1, summary: "ingest offsets") { _ in
            [
                """
                CREATE TABLE ingest_offsets (
                    input_key TEXT PRIMARY KEY, file_identity TEXT NOT NULL, byte_offset BIGINT NOT NULL,
                    updated_at TEXT NOT NULL)
                """
            ]
        }
    ]

    public init(database: any Database, clock: @escaping StoreClock = { Date() }) {
        self.database = database
        self.clock = Timestamp.millisecondClock(clock)
    }

    /// Stores the offset of `input`, replacing the one before, and returns it.
    @discardableResult
    public func set(input: String, fileIdentity: String, offset: Int64, audit: AuditActor? = nil) throws
        -> IngestOffset
    {
        let record = IngestOffset(input: input, fileIdentity: fileIdentity, offset: offset, updatedAt: clock())
        try database.write { sql in
            try sql.execute(
                """
                INSERT INTO ingest_offsets (input_key, file_identity, byte_offset, updated_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (input_key) DO UPDATE SET file_identity = excluded.file_identity,
                    byte_offset = excluded.byte_offset, updated_at = excluded.updated_at
                """,
                [.text(input), .text(fileIdentity), .integer(offset), .text(Timestamp.text(record.updatedAt))])
            try AuditActor.record(
                audit, in: sql, at: record.updatedAt, action: "set_offset", objectKind: "ingest_offset",
                objectID: input, detail: ["file": fileIdentity, "offset": offset])
        }
        return record
    }

    /// Returns the stored offset of `input`, or nil when it has none.
    public func get(input: String) throws -> IngestOffset? {
        let row = try database.read { sql in
            try sql.first("SELECT * FROM ingest_offsets WHERE input_key = $1", [.text(input)])
        }
        return try row.map(Self.record)
    }

    /// Returns every stored offset, ordered by input key.
    public func list() throws -> [IngestOffset] {
        let rows = try database.read { sql in try sql.query("SELECT * FROM ingest_offsets ORDER BY input_key", []) }
        return try rows.map(Self.record)
    }

    /// Forgets the offset of `input`; returns whether there was one.
    @discardableResult
    public func remove(input: String, audit: AuditActor? = nil) throws -> Bool {
        let now = clock()
        return try database.write { sql in
            let removed = try sql.execute("DELETE FROM ingest_offsets WHERE input_key = $1", [.text(input)])
            if removed > 0 {
                try AuditActor.record(
                    audit, in: sql, at: now, action: "remove_offset", objectKind: "ingest_offset", objectID: input)
            }
            return removed > 0
        }
    }

    private static func record(_ row: SQLRow) throws(StoreError) -> IngestOffset {
        IngestOffset(
            input: try row.string("input_key"), fileIdentity: try row.string("file_identity"),
            offset: try row.int("byte_offset"), updatedAt: try Timestamp.date(row, "updated_at"))
    }
}
