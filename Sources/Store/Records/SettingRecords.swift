import Foundation

/// Settings as key and JSON text (guard settings, protected lists). The store checks that a
/// value parses as JSON; what it means is the caller's business.
public struct SettingRecords: Sendable {
    public let database: any Database
    private let clock: StoreClock

    public static let migrations = [
        Migration(component: "settings", version: 1, summary: "settings") { _ in
            ["CREATE TABLE settings (setting_key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL)"]
        }
    ]

    public init(database: any Database, clock: @escaping StoreClock = { Date() }) {
        self.database = database
        self.clock = Timestamp.millisecondClock(clock)
    }

    /// Stores `json` under `key`, replacing the value before. Throws `StoreError.invalidJSON`
    /// when `json` does not parse.
    public func set(_ key: String, json: String, audit: AuditActor? = nil) throws {
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else {
            throw StoreError.invalidJSON(field: "setting \(key)", message: "the value does not parse as JSON")
        }
        let now = clock()
        try database.write { sql in
            try sql.execute(
                """
                INSERT INTO settings (setting_key, value, updated_at) VALUES ($1, $2, $3)
                ON CONFLICT (setting_key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """,
                [.text(key), .text(json), .text(Timestamp.text(now))])
            try AuditActor.record(
                audit, in: sql, at: now, action: "set_setting", objectKind: "setting", objectID: key,
                detail: ["value": json])
        }
    }

    /// Returns the JSON text stored under `key`, or nil.
    public func get(_ key: String) throws -> String? {
        let row = try database.read { sql in
            try sql.first("SELECT value FROM settings WHERE setting_key = $1", [.text(key)])
        }
        return try row.map { row throws(StoreError) in try row.string("value") }
    }

    /// Returns every setting as key and JSON text.
    public func all() throws -> [String: String] {
        let rows = try database.read { sql in try sql.query("SELECT setting_key, value FROM settings", []) }
        var settings: [String: String] = [:]
        for row in rows { settings[try row.string("setting_key")] = try row.string("value") }
        return settings
    }

    /// Removes the setting under `key`; returns whether there was one.
    @discardableResult
    public func remove(_ key: String, audit: AuditActor? = nil) throws -> Bool {
        let now = clock()
        return try database.write { sql in
            let removed = try sql.execute("DELETE FROM settings WHERE setting_key = $1", [.text(key)])
            if removed > 0 {
                try AuditActor.record(
                    audit, in: sql, at: now, action: "remove_setting", objectKind: "setting", objectID: key)
            }
            return removed > 0
        }
    }
}
