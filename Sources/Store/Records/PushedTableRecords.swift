import Foundation

/// Rows that clients push into a data source's table (Congress's `PUT .../tables/{table}/rows`),
/// kept so that a restarted service has them again. Each row is JSON text (an array of the
/// table's column values), in the order it was pushed.
public struct PushedTableRecords: Sendable {
    public let database: any Database
    private let clock: StoreClock

    public static let migrations = [
        Migration(component: "pushed_rows", version: 1, summary: "rows pushed to data-source tables") { _ in
            [
                """
                CREATE TABLE pushed_rows (
                    data_source TEXT NOT NULL, table_name TEXT NOT NULL, position BIGINT NOT NULL,
                    row_json TEXT NOT NULL, PRIMARY KEY (data_source, table_name, position))
                """
            ]
        }
    ]

    public init(database: any Database, clock: @escaping StoreClock = { Date() }) {
        self.database = database
        self.clock = Timestamp.millisecondClock(clock)
    }

    /// Rows per INSERT statement. 250 rows of 4 parameters stay far below the parameter limits
    /// of SQLite (32,766 since 3.32) and PostgreSQL (65,535).
    static let rowsPerStatement = 250

    /// Replaces every row of one table in one transaction. The rows go in through one prepared
    /// multi-row INSERT reused for every full batch of `rowsPerStatement` rows, and one more for
    /// the rest.
    public func replaceRows(
        _ rows: [String], dataSource: String, table: String, audit: AuditActor? = nil
    ) throws {
        let now = clock()
        try database.write { sql in
            let removed = try sql.execute(
                "DELETE FROM pushed_rows WHERE data_source = $1 AND table_name = $2", [.text(dataSource), .text(table)])

            var start = 0
            while start < rows.count {
                let end = min(start + Self.rowsPerStatement, rows.count)
                var parameters: [SQLValue] = []
                parameters.reserveCapacity((end - start) * 4)
                for position in start..<end {
                    parameters += [.text(dataSource), .text(table), .integer(Int64(position)), .text(rows[position])]
                }
                try sql.execute(Self.insertStatement(rowCount: end - start), parameters)
                start = end
            }

            try AuditActor.record(
                audit, in: sql, at: now, action: "replace_rows", objectKind: "data_source_table",
                objectID: dataSource + ":" + table, detail: ["removed": removed, "inserted": rows.count])
        }
    }

    /// Returns the rows of one table in the order they were pushed.
    public func rows(dataSource: String, table: String) throws -> [String] {
        let rows = try database.read { sql in
            try sql.query(
                "SELECT row_json FROM pushed_rows WHERE data_source = $1 AND table_name = $2 ORDER BY position",
                [.text(dataSource), .text(table)])
        }
        return try rows.map { row throws(StoreError) in try row.string("row_json") }
    }

    static func insertStatement(rowCount: Int) -> String {
        let tuples = (0..<rowCount).map { row in
            let first = row * 4
            return "($\(first + 1), $\(first + 2), $\(first + 3), $\(first + 4))"
        }
        return "INSERT INTO pushed_rows (data_source, table_name, position, row_json) VALUES "
            + tuples.joined(separator: ", ")
    }

    /// Returns the sorted names of the tables of `dataSource` that contain pushed rows.
    public func tables(dataSource: String) throws -> [String] {
        let rows = try database.read { sql in
            try sql.query(
                "SELECT DISTINCT table_name FROM pushed_rows WHERE data_source = $1 ORDER BY table_name",
                [.text(dataSource)])
        }
        return try rows.map { row throws(StoreError) in try row.string("table_name") }
    }
}
