import Foundation
import Testing

@testable import Store

@Suite struct SQLiteDatabaseTests {
    private func temporaryPath() -> String {
        NSTemporaryDirectory() + "agora-store-\(UUID().uuidString)/agora.db"
    }

    private let notes = [
        Migration(component: "notes", version: 1, summary: "notes table") { dialect in
            ["CREATE TABLE notes (id \(dialect.generatedKey), body TEXT NOT NULL UNIQUE, weight DOUBLE PRECISION)"]
        }
    ]

    @Test func roundTripsEveryValueType() throws {
        let database = try SQLiteDatabase(path: temporaryPath())
        try database.write { sql in
            try sql.execute("CREATE TABLE t (a BIGINT, b DOUBLE PRECISION, c TEXT, d BLOB, e TEXT)")
            try sql.execute(
                "INSERT INTO t VALUES ($1, $2, $3, $4, $5)",
                [.integer(Int64.max), .real(0.5), .text("ü\u{0}x"), .blob([0, 255, 1]), .null])
        }
        let row = try #require(try database.read { try $0.first("SELECT * FROM t") })
        #expect(row["a"] == .integer(Int64.max))
        #expect(row["b"] == .real(0.5))
        #expect(row["d"] == .blob([0, 255, 1]))
        #expect(row["e"] == .null)
    }

    @Test func failedWriteKeepsNothing() throws {
        let database = try SQLiteDatabase(path: temporaryPath())
        try Migrator.apply(notes, to: database)
        try database.write { try $0.execute("INSERT INTO notes (body) VALUES ($1)", [.text("kept")]) }
        #expect(throws: StoreError.self) {
            try database.write { sql in
                try sql.execute("INSERT INTO notes (body) VALUES ($1)", [.text("lost")])
                try sql.execute("INSERT INTO notes (body) VALUES ($1)", [.text("kept")])
            }
        }
        let bodies = try database.read { try $0.query("SELECT body FROM notes ORDER BY id", []) }
        #expect(bodies.map { $0["body"] } == [.text("kept")])
    }

    @Test func parametersMayRepeatAndComeOutOfOrder() throws {
        let database = try SQLiteDatabase(path: temporaryPath())
        let row = try database.read {
            try $0.first("SELECT $2 AS b, $1 AS a, $2 || $1 AS ba", [.text("x"), .text("y")])
        }
        #expect(row?["b"] == .text("y"))
        #expect(row?["ba"] == .text("yx"))
    }

    @Test func migrationsRunOnceAndRefuseANewerSchema() throws {
        let path = temporaryPath()
        let database = try SQLiteDatabase(path: path)
        #expect(try Migrator.apply(notes, to: database).count == 1)
        #expect(try Migrator.apply(notes, to: database).isEmpty)
        database.close()

        let reopened = try SQLiteDatabase(path: path)
        let older = [Migration(component: "notes", version: 0, summary: "none") { _ in [] }]
        #expect(throws: StoreError.newerSchema(component: "notes", found: 1, known: 0)) {
            try Migrator.apply(older, to: reopened)
        }
    }

    @Test func failedMigrationStepNamesItself() throws {
        let database = try SQLiteDatabase(path: temporaryPath())
        let broken = notes + [Migration(component: "notes", version: 2, summary: "bad") { _ in ["CREATE TABLOID x"] }]
        do {
            try Migrator.apply(broken, to: database)
            Issue.record("the broken step was applied")
        } catch let StoreError.migration(component, version, _) {
            #expect(component == "notes" && version == 2)
        }
        let versions = try database.read { try $0.query("SELECT version FROM schema_migrations", []) }
        #expect(versions.map { $0["version"] } == [.integer(1)])
    }

    @Test func readerSeesCommitsFromTheWriter() throws {
        let database = try SQLiteDatabase(path: temporaryPath())
        try Migrator.apply(notes, to: database)
        for index in 0..<50 {
            try database.write { try $0.execute("INSERT INTO notes (body) VALUES ($1)", [.text("n\(index)")]) }
            let count = try database.read { try $0.first("SELECT COUNT(*) AS n FROM notes")?["n"] }
            #expect(count == .integer(Int64(index + 1)))
        }
    }
}
