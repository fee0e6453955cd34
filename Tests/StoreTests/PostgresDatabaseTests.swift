import Foundation
import Testing

@testable import Store

@Suite struct PostgresDatabaseTests {
    private struct Abort: Error {}

    private func open() throws -> PostgresDatabase {
        try PostgresDatabase(conninfo: try PostgresServer.require().createDatabase())
    }

    @Test func roundTripsEveryValueType() throws {
        let database = try open()
        defer { database.close() }
        try database.write { sql in
            try sql.execute(
                """
                CREATE TABLE t (a BIGINT, b DOUBLE PRECISION, c TEXT, d BYTEA, e TEXT, f INTEGER, g SMALLINT,
                    h BOOLEAN, i NUMERIC, j REAL)
                """)
            try sql.execute(
                "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, true, 2.5, 0.25)",
                [
                    .integer(Int64.max), .real(0.5), .text("ü'\\x\"€"), .blob([0, 255, 1]), .null, .integer(-7),
                    .integer(3),
                ])
        }
        let row = try #require(try database.read { try $0.first("SELECT * FROM t") })
        #expect(row["a"] == .integer(Int64.max))
        #expect(row["b"] == .real(0.5))
        #expect(row["c"] == .text("ü'\\x\"€"))
        #expect(row["d"] == .blob([0, 255, 1]))
        #expect(row["e"] == .null)
        #expect(row["f"] == .integer(-7))
        #expect(row["g"] == .integer(3))
        #expect(row["h"] == .integer(1))
        #expect(row["i"] == .real(2.5))
        #expect(row["j"] == .real(0.25))
    }

    @Test func emptyBlobAndSpecialDoublesRoundTrip() throws {
        let database = try open()
        defer { database.close() }
        let row = try #require(
            try database.read {
                try $0.first("SELECT $1::bytea AS empty, $2::float8 AS infinite", [.blob([]), .real(-.infinity)])
            })
        #expect(row["empty"] == .blob([]))
        #expect(row["infinite"] == .real(-.infinity))
    }

    @Test func textWithNulIsRejected() throws {
        let database = try open()
        defer { database.close() }
        #expect(throws: StoreError.self) {
            try database.read { try $0.first("SELECT $1 AS a", [.text("a\u{0}b")]) }
        }
    }

    @Test func sqlStateSelectsTheError() throws {
        let database = try open()
        defer { database.close() }
        try database.write { try $0.execute("CREATE TABLE u (k TEXT PRIMARY KEY)") }
        try database.write { try $0.execute("INSERT INTO u VALUES ($1)", [.text("a")]) }
        do {
            try database.write { try $0.execute("INSERT INTO u VALUES ($1)", [.text("a")]) }
            Issue.record("a duplicate key was accepted")
        } catch StoreError.constraint {
        }
        do {
            try database.read { try $0.query("SELECT * FROM missing_table", []) }
            Issue.record("a query on a missing table ran")
        } catch StoreError.statement(_, let code, _) {
            #expect(code == "42P01")
        }
    }

    @Test func serializationFailureRetriesTheTransaction() throws {
        let database = try open()
        defer { database.close() }
        try database.write { try $0.execute("CREATE TABLE r (attempt BIGINT)") }
        var attempts = 0
        try database.write { sql in
            attempts += 1
            try sql.execute("INSERT INTO r VALUES ($1)", [.integer(Int64(attempts))])
            if attempts < 3 { throw StoreError.statement(sql: "", code: "40001", message: "simulated conflict") }
        }
        #expect(attempts == 3)
        let kept = try database.read { try $0.query("SELECT attempt FROM r", []) }
        #expect(kept.map { $0["attempt"] } == [.integer(3)])
    }

    @Test func deadlockRetriesAreBounded() throws {
        let database = try open()
        defer { database.close() }
        var attempts = 0
        #expect(throws: StoreError.self) {
            try database.write { _ in
                attempts += 1
                throw StoreError.statement(sql: "", code: "40P01", message: "simulated deadlock")
            }
        }
        #expect(attempts == 1 + PostgresDatabase.retriesOnConflict)
    }

    @Test func reconnectsAfterTheServerEndsAnIdleSession() throws {
        let server = try PostgresServer.require()
        let database = try open()
        defer { database.close() }
        try database.write { try $0.execute("CREATE TABLE n (v BIGINT)") }
        let pid = try database.write { try $0.first("SELECT pg_backend_pid() AS pid")?.int("pid") }
        try server.terminateBackend(try #require(pid))

        try database.write { try $0.execute("INSERT INTO n VALUES (1)") }
        let count = try database.read { try $0.first("SELECT COUNT(*) AS n FROM n")?["n"] }
        #expect(count == .integer(1))
    }

    @Test func sessionLostInATransactionIsReported() throws {
        let server = try PostgresServer.require()
        let database = try open()
        defer { database.close() }
        try database.write { try $0.execute("CREATE TABLE n (v BIGINT)") }
        do {
            try database.write { sql in
                try sql.execute("INSERT INTO n VALUES (1)")
                let pid = try sql.first("SELECT pg_backend_pid() AS pid")?.int("pid")
                try server.terminateBackend(try #require(pid))
                try sql.execute("INSERT INTO n VALUES (2)")
            }
            Issue.record("the write succeeded on a terminated session")
        } catch StoreError.connectionLost(let location, _) {
            #expect(location.contains("127.0.0.1"))
        }

        try database.write { try $0.execute("INSERT INTO n VALUES (3)") }
        let values = try database.read { try $0.query("SELECT v FROM n", []) }
        #expect(values.map { $0["v"] } == [.integer(3)])
    }

    @Test func locationLeavesOutThePassword() {
        let shown = PostgresDatabase.redacted("postgresql://agora:hunter2@127.0.0.1:5433/agora")
        #expect(!shown.contains("hunter2"))
        #expect(shown.contains("host=127.0.0.1"))
        #expect(shown.contains("dbname=agora"))
        #expect(!PostgresDatabase.redacted("host=127.0.0.1 password=hunter2").contains("hunter2"))
    }

    @Test func unreachableServerFailsToOpen() throws {
        #expect(throws: StoreError.self) {
            _ = try PostgresDatabase(conninfo: "postgresql://agora@127.0.0.1:1/agora?connect_timeout=2")
        }
    }
}
