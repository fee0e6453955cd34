import DataSources
import Datalog
import Foundation
import OpenStack
import Store

/// A push data source (Congress's push drivers): an outside system replaces whole tables through
/// `PUT /v1/data-sources/{ds}/tables/{table}/rows`. Options: `tables`, a comma-separated list of
/// `table:column1;column2;...`. The rows are kept in the store and restored at start.
public final class PushSource: ManagedSource, @unchecked Sendable {
    public let config: DataSourceConfig
    public let tables: [String: [String]]
    private let lock = NSLock()
    private var current: [String: Set<Row>] = [:]
    private var deliver: (@Sendable ([TableDelta]) -> Void)?
    private let box = StatusBox()

    private let records: PushedTableRecords?

    /// - Parameter records: where pushed rows are kept; the rows stored there are published at start.
    public init(config: DataSourceConfig, records: PushedTableRecords? = nil) throws(SourceError) {
        self.config = config
        self.records = records
        var tables: [String: [String]] = [:]
        for item in (config.options["tables"] ?? "").split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let columns = parts.count == 2 ? parts[1].split(separator: ";").map(String.init) : []
            guard parts.count == 2, !parts[0].isEmpty, !columns.isEmpty else {
                throw .invalidOption(
                    source: config.name, option: "tables", value: String(item), expected: "table:column1;column2")
            }
            tables[config.name + ":" + parts[0]] = columns
        }
        if tables.isEmpty { throw .missingOption(source: config.name, option: "tables") }
        self.tables = tables
        for table in tables.keys {
            let short = String(table.dropFirst(config.name.count + 1))
            let stored = (try? records?.rows(dataSource: config.name, table: short)) ?? []
            let rows = stored.compactMap { text -> Row? in
                guard let values = try? JSON.parse(Data(text.utf8), source: table).arrayValue else { return nil }
                return values.compactMap { try? AgoraAPI.value($0) }
            }
            if !rows.isEmpty { current[table] = Set(rows) }
        }
    }

    public func status() -> SourceStatus { box.read() }

    public func start(deliver: @escaping @Sendable ([TableDelta]) -> Void) {
        lock.lock()
        self.deliver = deliver
        let initial = current.map { TableDelta(table: $0.key, inserted: Array($0.value)) }
        lock.unlock()
        if !initial.isEmpty { deliver(initial) }
    }

    public func stop() {}

    /// Replaces the rows of `table` (its short name) and delivers the difference.
    public func replace(table: String, rows: [Row]) throws(SourceError) {
        let full = config.name + ":" + table
        guard let columns = tables[full] else {
            throw .invalidOption(
                source: config.name, option: "table", value: table,
                expected: "one of "
                    + tables.keys.map { String($0.dropFirst(config.name.count + 1)) }.sorted()
                    .joined(separator: ", "))
        }
        for row in rows where row.count != columns.count {
            throw .invalidOption(
                source: config.name, option: "row", value: "[" + row.map(\.description).joined(separator: ", ") + "]",
                expected: "\(columns.count) values (\(columns.joined(separator: ", ")))")
        }
        // One replacement at a time, from the store write to the delivery: two pushes that
        // interleaved could leave the store with one's rows and the engine with the other's, or
        // hand the engine their deltas in the wrong order.
        lock.lock()
        defer { lock.unlock() }
        if let records {
            let texts = rows.map { JSON.array($0.map(AgoraAPI.json)).text }
            do {
                try records.replaceRows(texts, dataSource: config.name, table: table)
            } catch {
                throw .invalidOption(
                    source: config.name, option: "rows", value: table, expected: "rows the store accepts: \(error)")
            }
        }
        let new = Set(rows)
        let old = current[full] ?? []
        current[full] = new
        let delta = TableDelta(table: full, inserted: Array(new.subtracting(old)), deleted: Array(old.subtracting(new)))
        box.update {
            $0.initialized = true
            $0.lastUpdated = Date()
            $0.numberOfUpdates += 1
            $0.recordsRead += rows.count
        }
        if !delta.isEmpty { deliver?([delta]) }
    }

    /// Deletes the stored rows of every table, when the data source itself is deleted.
    public func forget() throws {
        for table in tables.keys {
            try records?.replaceRows([], dataSource: config.name, table: String(table.dropFirst(config.name.count + 1)))
        }
    }

    public func rows(of table: String) -> [Row] {
        lock.lock()
        defer { lock.unlock() }
        return Array(current[config.name + ":" + table] ?? [])
    }
}
