import Foundation
import Testing

@testable import Store

/// Transaction and migration behavior that both database implementations must share.
@Suite struct DatabaseTests {
    private struct Abort: Error {}

    @Test(arguments: Backend.allCases) func throwRollsBack(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let settings = SettingRecords(database: database)
        try settings.set("kept", json: "1")
        #expect(throws: Abort.self) {
            try database.write { sql in
                try sql.execute("DELETE FROM settings")
                try sql.execute(
                    "INSERT INTO settings (setting_key, value, updated_at) VALUES ($1, $2, $3)",
                    [.text("lost"), .text("2"), .text("now")])
                throw Abort()
            }
        }
        #expect(try settings.all() == ["kept": "1"])
    }

    @Test(arguments: Backend.allCases) func migrationsAreIdempotent(backend: Backend) throws {
        let (database, location) = try backend.openStore()
        #expect(try Migrator.apply(Store.migrations, to: database).isEmpty)
        database.close()

        let reopened = try Store.open(location)
        defer { reopened.close() }
        let applied = try reopened.read { try $0.first("SELECT COUNT(*) AS n FROM schema_migrations")?["n"] }
        #expect(applied == .integer(Int64(Store.migrations.count)))
    }

    @Test(arguments: Backend.allCases) func newerSchemaIsRefused(backend: Backend) throws {
        let (database, location) = try backend.openStore()
        try database.write { sql in
            try sql.execute(
                "INSERT INTO schema_migrations (component, version, summary, applied_at) VALUES ($1, $2, $3, $4)",
                [.text("policies"), .integer(99), .text("from the future"), .text("now")])
        }
        database.close()

        #expect(throws: StoreError.newerSchema(component: "policies", found: 99, known: 1)) {
            _ = try Store.open(location)
        }
    }

    @Test(arguments: Backend.allCases) func concurrentWritersAllLand(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let policies = PolicyRecords(database: database)
        let failures = FailureList()

        let group = DispatchGroup()
        for writer in 0..<8 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for index in 0..<100 {
                    do {
                        _ = try policies.createPolicy(NewPolicy(name: "p\(writer)_\(index)", abbreviation: "p"))
                    } catch {
                        failures.append("writer \(writer) write \(index): \(error)")
                    }
                }
            }
        }
        group.wait()

        #expect(failures.all.isEmpty, "\(failures.all.prefix(3))")
        let names = Set(try policies.listPolicies().map(\.name))
        #expect(names.count == 800)
        #expect(names.contains("p7_99"))
    }

    @Test func storeLocationReadsTheScheme() {
        #expect(StoreLocation("/var/lib/agora/agora.db") == .sqlite(path: "/var/lib/agora/agora.db"))
        #expect(StoreLocation("postgresql://h/db") == .postgres(conninfo: "postgresql://h/db"))
        #expect(StoreLocation("postgres://h/db") == .postgres(conninfo: "postgres://h/db"))
    }
}

/// Error messages collected from several threads.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func append(_ message: String) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return messages
    }
}
