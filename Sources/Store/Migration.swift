import Foundation

/// One versioned step of a component's schema. Each module that keeps data owns a component
/// (`policies`, `ledger`, ...) and lists its steps in order; versions start at 1.
public struct Migration: Sendable {
    public let component: String
    public let version: Int
    public let summary: String
    /// The statements of the step, written for the given dialect.
    public let statements: @Sendable (SQLDialect) -> [String]

    public init(
        component: String, version: Int, summary: String, statements: @escaping @Sendable (SQLDialect) -> [String]
    ) {
        self.component = component
        self.version = version
        self.summary = summary
        self.statements = statements
    }
}

/// Brings a database's schema up to date, one transaction per step.
public enum Migrator {
    /// Applies the steps the database lacks, in version order per component, and returns them.
    /// A database that already holds a newer version of a component than `migrations` knows is
    /// refused with `StoreError.newerSchema`, before anything is changed.
    @discardableResult
    public static func apply(_ migrations: [Migration], to database: any Database) throws -> [Migration] {
        try database.write { sql in
            try sql.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    component TEXT NOT NULL, version BIGINT NOT NULL, summary TEXT NOT NULL,
                    applied_at TEXT NOT NULL, PRIMARY KEY (component, version))
                """)
        }
        let applied = try database.read { sql in
            try sql.query("SELECT component, MAX(version) AS version FROM schema_migrations GROUP BY component", [])
        }
        var current: [String: Int] = [:]
        for row in applied { current[try row.string("component")] = Int(try row.int("version")) }

        let known = Dictionary(grouping: migrations, by: \.component).mapValues { $0.map(\.version).max() ?? 0 }
        for (component, found) in current.sorted(by: { $0.key < $1.key }) {
            if let highest = known[component], found > highest {
                throw StoreError.newerSchema(component: component, found: found, known: highest)
            }
        }

        var done: [Migration] = []
        let ordered = migrations.sorted { ($0.component, $0.version) < ($1.component, $1.version) }
        for step in ordered where step.version > current[step.component, default: 0] {
            do {
                try database.write { sql in
                    for statement in step.statements(database.dialect) { try sql.execute(statement) }
                    try sql.execute(
                        "INSERT INTO schema_migrations (component, version, summary, applied_at) VALUES ($1, $2, $3, $4)",
                        [
                            .text(step.component), .integer(Int64(step.version)), .text(step.summary),
                            .text(ISO8601DateFormatter().string(from: Date())),
                        ])
                }
            } catch let error as StoreError {
                throw StoreError.migration(component: step.component, version: step.version, message: "\(error)")
            }
            done.append(step)
        }
        return done
    }
}
