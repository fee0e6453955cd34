import Foundation

/// A data source's configuration as stored. `config` is a JSON object that names where its
/// secrets live and never contains them.
public struct DataSourceRecord: Equatable, Sendable {
    public var id: String
    public var name: String
    public var driver: String
    public var description: String
    public var enabled: Bool
    public var config: String
    public var createdAt: Date
}

/// The fields of a data source to create.
public struct NewDataSource: Sendable {
    public var id: String?
    public var name: String
    public var driver: String
    public var description: String
    public var enabled: Bool
    /// A JSON object, or nil for none.
    public var config: String?

    /// `id` nil makes a new UUID.
    public init(
        id: String? = nil, name: String, driver: String, description: String = "", enabled: Bool = true,
        config: String? = nil
    ) {
        self.id = id
        self.name = name
        self.driver = driver
        self.description = description
        self.enabled = enabled
        self.config = config
    }
}

/// Data-source configurations. A config with a literal password, secret or token is rejected
/// with `StoreError.literalSecret`; see `DataSourceSecrets` for what to store in its place.
public struct DataSourceRecords: Sendable {
    public let database: any Database
    private let clock: StoreClock

    public static let migrations = [
        Migration(component: "data_sources", version: 1, summary: "data-source configs") { _ in
            [
                """
                CREATE TABLE data_sources (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, driver TEXT NOT NULL, description TEXT NOT NULL,
                    enabled INTEGER NOT NULL, config TEXT NOT NULL, created_at TEXT NOT NULL)
                """
            ]
        }
    ]

    public init(database: any Database, clock: @escaping StoreClock = { Date() }) {
        self.database = database
        self.clock = Timestamp.millisecondClock(clock)
    }

    /// Stores a new data source. Throws `StoreError.literalSecret` for a secret in the config,
    /// `StoreError.invalidJSON` for a config that is not a JSON object, and
    /// `StoreError.constraint` for a name or id in use.
    public func create(_ new: NewDataSource, audit: AuditActor? = nil) throws -> DataSourceRecord {
        let config = try Self.checkedConfig(new.config, dataSource: new.name)
        let now = clock()
        let record = DataSourceRecord(
            id: new.id ?? RecordID.make(), name: new.name, driver: new.driver, description: new.description,
            enabled: new.enabled, config: config, createdAt: now)
        try database.write { sql in
            try sql.execute(
                """
                INSERT INTO data_sources (id, name, driver, description, enabled, config, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .text(record.id), .text(record.name), .text(record.driver), .text(record.description),
                    SQLValue(record.enabled), .text(config), .text(Timestamp.text(now)),
                ])
            try AuditActor.record(
                audit, in: sql, at: now, action: "create_data_source", objectKind: "data_source",
                objectID: record.id, detail: ["name": record.name, "driver": record.driver])
        }
        return record
    }

    /// Returns every data source, oldest first.
    public func list() throws -> [DataSourceRecord] {
        let rows = try database.read { sql in
            try sql.query("SELECT * FROM data_sources ORDER BY created_at, name", [])
        }
        return try rows.map(Self.record)
    }

    /// Returns the data source whose id or name is `key`. An id match wins over a name match.
    public func get(_ key: String) throws -> DataSourceRecord? {
        try database.read { sql in try Self.find(key, in: sql) }
    }

    /// Deletes the data source whose id or name is `key` and returns it; nil when none matched.
    @discardableResult
    public func delete(_ key: String, audit: AuditActor? = nil) throws -> DataSourceRecord? {
        let now = clock()
        return try database.write { sql in
            guard let record = try Self.find(key, in: sql) else { return nil }
            try sql.execute("DELETE FROM data_sources WHERE id = $1", [.text(record.id)])
            try AuditActor.record(
                audit, in: sql, at: now, action: "delete_data_source", objectKind: "data_source",
                objectID: record.id, detail: ["name": record.name])
            return record
        }
    }

    /// Turns the data source whose id or name is `key` on or off and returns it.
    @discardableResult
    public func setEnabled(_ enabled: Bool, dataSource key: String, audit: AuditActor? = nil) throws
        -> DataSourceRecord
    {
        let now = clock()
        return try database.write { sql in
            guard var record = try Self.find(key, in: sql) else {
                throw StoreError.notFound(kind: "data source", key: key)
            }
            try sql.execute(
                "UPDATE data_sources SET enabled = $1 WHERE id = $2", [SQLValue(enabled), .text(record.id)])
            try AuditActor.record(
                audit, in: sql, at: now, action: enabled ? "enable_data_source" : "disable_data_source",
                objectKind: "data_source", objectID: record.id)
            record.enabled = enabled
            return record
        }
    }

    /// Checks that a config is a JSON object without secrets and returns it, `{}` for none.
    static func checkedConfig(_ text: String?, dataSource: String) throws(StoreError) -> String {
        guard let text, !text.isEmpty, text != "null" else { return "{}" }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw .invalidJSON(field: "config of data source \(dataSource)", message: "\(error.localizedDescription)")
        }
        guard parsed is [String: Any] else {
            throw .invalidJSON(field: "config of data source \(dataSource)", message: "expected a JSON object")
        }
        if let field = DataSourceSecrets.literalSecretField(in: parsed) {
            throw .literalSecret(dataSource: dataSource, field: field)
        }
        return text
    }

    private static func find(_ key: String, in sql: any SQLExecutor) throws(StoreError) -> DataSourceRecord? {
        let rows = try sql.query(
            "SELECT * FROM data_sources WHERE id = $1 OR name = $1 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END",
            [.text(key)])
        return try rows.first.map(record)
    }

    private static func record(_ row: SQLRow) throws(StoreError) -> DataSourceRecord {
        DataSourceRecord(
            id: try row.string("id"), name: try row.string("name"), driver: try row.string("driver"),
            description: try row.string("description"), enabled: try row.bool("enabled"),
            config: try row.string("config"), createdAt: try Timestamp.date(row, "created_at"))
    }
}
