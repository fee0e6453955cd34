/// The SQL flavour behind a `Database`, for the few statements that differ (column types,
/// generated keys). Everything else is written once: `$1`-style parameters, `ON CONFLICT ...
/// DO UPDATE`, and `RETURNING` mean the same in both.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// The column type for binary data.
    public var blobType: String { self == .sqlite ? "BLOB" : "BYTEA" }

    /// A 64-bit integer primary key that the database fills in.
    public var generatedKey: String {
        self == .sqlite ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    }
}

/// Runs statements inside one transaction. Parameters are written `$1`, `$2`, ... in the SQL.
public protocol SQLExecutor {
    /// Runs a statement that returns no rows; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> Int

    /// Runs a query and returns every row of its result.
    func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow]
}

extension SQLExecutor {
    @discardableResult
    public func execute(_ sql: String) throws(StoreError) -> Int { try execute(sql, []) }

    /// The first row of a query's result, if any.
    public func first(_ sql: String, _ parameters: [SQLValue] = []) throws(StoreError) -> SQLRow? {
        try query(sql, parameters).first
    }
}

/// A transactional SQL database: SQLite in a file by default, PostgreSQL for a shared store.
///
/// `write` runs its body in one transaction that commits when the body returns and rolls back
/// when it throws, so a failed request leaves nothing half-written. Writes are serialized;
/// `read` sees the last committed state and does not wait for a writer.
public protocol Database: AnyObject, Sendable {
    var dialect: SQLDialect { get }

    /// Where the data lives, for messages (a file path, or a connection string without its password).
    var location: String { get }

    @discardableResult
    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T

    @discardableResult
    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T

    /// Closes the connections; later calls fail.
    func close()
}
