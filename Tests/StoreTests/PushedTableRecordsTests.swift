import Foundation
import Testing

@testable import Store

@Suite struct PushedTableRecordsTests {
    @Test(arguments: Backend.allCases) func replaceReplacesOneTable(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let pushed = PushedTableRecords(database: database)

        try pushed.replaceRows([#"["10.0.0.1"]"#, #"["10.0.0.2"]"#], dataSource: "blocklist", table: "addresses")
        try pushed.replaceRows([#"[1]"#], dataSource: "blocklist", table: "other")
        try pushed.replaceRows(
            [#"["10.0.0.9"]"#], dataSource: "blocklist", table: "addresses", audit: AuditActor(user: "feed"))

        #expect(try pushed.rows(dataSource: "blocklist", table: "addresses") == [#"["10.0.0.9"]"#])
        #expect(try pushed.rows(dataSource: "blocklist", table: "other") == ["[1]"])
        #expect(try pushed.tables(dataSource: "blocklist") == ["addresses", "other"])

        try pushed.replaceRows([], dataSource: "blocklist", table: "other")
        #expect(try pushed.tables(dataSource: "blocklist") == ["addresses"])

        let entry = try #require(try AuditRecords(database: database).list().first)
        #expect(entry.objectID == "blocklist:addresses")
        #expect(entry.detail == #"{"inserted":1,"removed":2}"#)
    }

    @Test(arguments: Backend.allCases) func tenThousandRowsInOneCall(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let pushed = PushedTableRecords(database: database)
        let rows = (0..<10_000).map { #"["10.\#($0 / 256 / 256).\#($0 / 256 % 256).\#($0 % 256)", "feed"]"# }

        try pushed.replaceRows(rows, dataSource: "blocklist", table: "addresses")
        try pushed.replaceRows(rows.reversed(), dataSource: "blocklist", table: "addresses")

        let stored = try pushed.rows(dataSource: "blocklist", table: "addresses")
        #expect(stored.count == 10_000)
        #expect(stored.first == rows.last)
        #expect(stored.last == rows.first)
    }

    @Test(arguments: Backend.allCases) func failedReplaceKeepsTheOldRows(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let pushed = PushedTableRecords(database: database)
        try pushed.replaceRows(["[1]", "[2]"], dataSource: "ds", table: "t")

        // An audit actor whose entry cannot be written makes the whole replace fail.
        try database.write { try $0.execute("DROP TABLE audit_log") }
        #expect(throws: StoreError.self) {
            try pushed.replaceRows(["[3]"], dataSource: "ds", table: "t", audit: AuditActor(user: "x"))
        }
        #expect(try pushed.rows(dataSource: "ds", table: "t") == ["[1]", "[2]"])
    }
}
