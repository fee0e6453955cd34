import CPostgres
import Foundation

/// A PostgreSQL database reached through libpq: one writer connection and one reader, each
/// behind its own lock, as `SQLiteDatabase` has. Several Agora nodes can share one server.
///
/// `write` runs at READ COMMITTED and retries its body, up to 3 more times, when the server
/// aborts it with a serialization failure (40001) or a deadlock (40P01), so the body must have
/// no effect outside the transaction. `read` runs at REPEATABLE READ, so all its queries see
/// one snapshot. A connection found dropped when a transaction starts is reconnected. When it
/// drops during a transaction, the call fails with `StoreError.connectionLost` and the connection
/// is reconnected for the next call.
public final class PostgresDatabase: Database, @unchecked Sendable {
    public let dialect = SQLDialect.postgres
    public let location: String
    private let writer: PostgresConnection
    private let reader: PostgresConnection
    private let writeLock = NSLock()
    private let readLock = NSLock()

    /// How many times `write` runs its body again after a serialization failure or deadlock.
    public static let retriesOnConflict = 3

    /// Connects with a libpq connection string: a `postgresql://` URL or `key=value` pairs.
    public init(conninfo: String) throws(StoreError) {
        location = Self.redacted(conninfo)
        writer = try PostgresConnection(conninfo: conninfo, location: location)
        reader = try PostgresConnection(conninfo: conninfo, location: location)
    }

    @discardableResult
    public func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        var attempt = 0
        while true {
            do {
                return try transaction(on: writer, begin: "BEGIN", body)
            } catch let error as StoreError where Self.isConflict(error) && attempt < Self.retriesOnConflict {
                attempt += 1
            }
        }
    }

    @discardableResult
    public func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        readLock.lock()
        defer { readLock.unlock() }
        return try transaction(on: reader, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    public func close() {
        writeLock.lock()
        writer.close()
        writeLock.unlock()
        readLock.lock()
        reader.close()
        readLock.unlock()
    }

    /// Runs `sql` on the writer connection outside any transaction, for the statements that
    /// refuse to run inside one (`CREATE DATABASE`, `VACUUM`).
    public func executeOutsideTransaction(_ sql: String) throws {
        writeLock.lock()
        defer { writeLock.unlock() }
        if !writer.isConnected { try writer.reconnect() }
        try writer.command(sql)
    }

    private func transaction<T>(
        on connection: PostgresConnection, begin: String, _ body: (any SQLExecutor) throws -> T
    ) throws -> T {
        // Nothing has run yet when the connection turns out dropped here, so a fresh session can
        // take the transaction. One reconnect per call at most.
        var reconnected = false
        if !connection.isConnected {
            try connection.reconnect()
            reconnected = true
        }
        do {
            try connection.command(begin)
        } catch {
            guard case .connectionLost = error, !reconnected else { throw error }
            try connection.reconnect()
            try connection.command(begin)
        }

        do {
            let result = try body(connection)
            try connection.command("COMMIT")
            return result
        } catch StoreError.connectionLost(let location, let message) {
            try? connection.reconnect()
            throw StoreError.connectionLost(location: location, message: message)
        } catch {
            try? connection.command("ROLLBACK")
            throw error
        }
    }

    private static func isConflict(_ error: StoreError) -> Bool {
        guard case .statement(_, let code, _) = error else { return false }
        return code == "40001" || code == "40P01"
    }

    /// Returns the connection parameters without the password, as `key=value` pairs.
    static func redacted(_ conninfo: String) -> String {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &message) else {
            if let message { PQfreemem(message) }
            return "PostgreSQL (unreadable connection string)"
        }
        defer { PQconninfoFree(options) }

        let shown: Set<String> = ["host", "hostaddr", "port", "dbname", "user", "sslmode"]
        var pairs: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            let key = String(cString: keyword)
            if shown.contains(key), let value = option.pointee.val {
                pairs.append("\(key)=\(String(cString: value))")
            }
            option += 1
        }
        return pairs.isEmpty ? "PostgreSQL (default connection)" : pairs.joined(separator: " ")
    }
}
