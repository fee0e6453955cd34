import CPostgres
import Foundation

/// One libpq connection with a cache of prepared statements, keyed by the SQL text and the
/// parameter types. Not thread-safe: the `PostgresDatabase` that owns it hands it to one
/// transaction at a time.
///
/// Parameters travel in libpq's text format. Integers, doubles and byte arrays are sent with
/// their type (`int8`, `float8`, `bytea`), text and nulls as `unknown`, so the server takes the
/// type the statement needs there, as it does for a quoted literal.
final class PostgresConnection: SQLExecutor {
    private var handle: OpaquePointer?
    private var statements: [String: String] = [:]
    private var nextStatement = 0
    /// The connection parameters without the password, for messages.
    let location: String

    init(conninfo: String, location: String) throws(StoreError) {
        self.location = location
        handle = PQconnectdb(conninfo)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Self.trimmed(PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(handle)
            self.handle = nil
            throw .open(location: location, message: message)
        }
        configure(handle)
    }

    deinit { close() }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        statements.removeAll()
    }

    /// Whether libpq considers the connection to the server open.
    var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Reconnects with the same parameters, dropping the prepared statements that died with the
    /// old session.
    func reconnect() throws(StoreError) {
        guard let handle else { throw .connectionLost(location: location, message: "the store is closed") }
        statements.removeAll()
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw .connectionLost(
                location: location, message: "reconnecting failed: " + Self.trimmed(PQerrorMessage(handle)))
        }
        configure(handle)
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> Int {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow] {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return PostgresValues.rows(of: result)
    }

    /// Runs one statement without parameters and without preparing it (`BEGIN`, `COMMIT`,
    /// `CREATE DATABASE`).
    func command(_ sql: String) throws(StoreError) {
        guard let handle else { throw .connectionLost(location: location, message: "the store is closed") }
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql)
    }

    // MARK: Statements

    private func run(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> OpaquePointer {
        guard let handle else { throw .connectionLost(location: location, message: "the store is closed") }
        let types = parameters.map(PostgresValues.typeOID)
        let name = try prepared(sql, types: types, on: handle)

        let texts = parameters.map(PostgresValues.text)
        // libpq reads text parameters up to their first NUL, so such a value would arrive cut short.
        if let index = texts.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw .statement(
                sql: sql, code: "22021",
                message: "parameter $\(index + 1) contains a NUL character, which PostgreSQL text cannot hold")
        }
        let pointers = texts.map { text in text.flatMap { strdup($0) } }
        defer { for pointer in pointers { free(pointer) } }
        let result = pointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecPrepared(handle, name, Int32(values.count), values.baseAddress, nil, nil, 0)
        }
        do {
            try check(result, sql)
        } catch {
            PQclear(result)
            throw error
        }
        return result!
    }

    // NOTE: a cached `SELECT *` fails with SQLSTATE 0A000 ("cached plan must not change result
    // type") after a migration changes that table's columns on a live connection. Migrations
    // run when the store opens, before the repositories prepare their statements.
    private func prepared(_ sql: String, types: [Oid], on handle: OpaquePointer) throws(StoreError) -> String {
        let key = types.map(String.init).joined(separator: ",") + "|" + sql
        if let name = statements[key] { return name }

        nextStatement += 1
        let name = "agora_\(nextStatement)"
        let result = types.withUnsafeBufferPointer { buffer in
            PQprepare(handle, name, sql, Int32(buffer.count), buffer.baseAddress)
        }
        defer { PQclear(result) }
        try check(result, sql)
        statements[key] = name
        return name
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws(StoreError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return }

        if let handle, PQstatus(handle) != CONNECTION_OK {
            throw .connectionLost(location: location, message: Self.trimmed(PQerrorMessage(handle)))
        }
        let code = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        let message =
            result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
            ?? handle.map { Self.trimmed(PQerrorMessage($0)) } ?? "unknown error"
        if let code, code.hasPrefix("23") { throw .constraint(sql: sql, message: message) }
        throw .statement(sql: sql, code: code ?? "libpq", message: message)
    }

    private func configure(_ handle: OpaquePointer) {
        PQsetClientEncoding(handle, "UTF8")
        // The server's NOTICE lines ("relation already exists, skipping") would go to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
