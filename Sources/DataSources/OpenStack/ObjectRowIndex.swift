import Datalog

/// The rows that each API object contributes to each table, and the deltas of a poll.
///
/// Replacing an object's rows costs time in proportion to that object's rows only, so a poll
/// that re-translates only the objects that changed produces its deltas without a pass over
/// the whole snapshot. Rows are reference-counted: a row that two objects both produce leaves
/// its table only when neither produces it any more.
struct ObjectRowIndex {
    private var rowsByObject: [String: [String: [Row]]] = [:]
    /// Object keys by kind, the part of a key before its first `/`, so listing one kind is cheap.
    private var keysByKind: [Substring: Set<String>] = [:]
    private var counts: [String: [Row: Int]] = [:]
    /// For each row touched since the last `takeDeltas()`, whether it was present before.
    private var touched: [String: [Row: Bool]] = [:]

    var objectCount: Int { rowsByObject.count }

    /// Returns the keys of every object of one kind (`ports` for keys `ports/<id>`).
    func keys(ofKind kind: String) -> Set<String> {
        keysByKind[Substring(kind)] ?? []
    }

    func contains(_ key: String) -> Bool { rowsByObject[key] != nil }

    /// Sets the rows of object `key` (`kind/id`), or removes them when `tables` is nil.
    mutating func replace(_ key: String, with tables: [String: [Row]]?) {
        if let old = rowsByObject[key] {
            if let tables, tables == old { return }
            for (table, rows) in old {
                for row in rows { adjust(table, row, by: -1) }
            }
        }
        rowsByObject[key] = tables
        let kind = key.prefix { $0 != "/" }
        if tables == nil {
            keysByKind[kind]?.remove(key)
        } else {
            keysByKind[kind, default: []].insert(key)
        }
        for (table, rows) in tables ?? [:] {
            for row in rows { adjust(table, row, by: 1) }
        }
    }

    /// Returns the rows present in `table` now.
    func rows(of table: String) -> Set<Row> {
        Set(counts[table, default: [:]].keys)
    }

    /// Returns the net change of every table since the last call, as `service:table` deltas.
    mutating func takeDeltas(service: String) -> [TableDelta] {
        var deltas: [TableDelta] = []
        for (table, rows) in touched.sorted(by: { $0.key < $1.key }) {
            var delta = TableDelta(table: "\(service):\(table)")
            for (row, wasPresent) in rows {
                let isPresent = counts[table]?[row] != nil
                if isPresent && !wasPresent { delta.inserted.append(row) }
                if wasPresent && !isPresent { delta.deleted.append(row) }
            }
            if !delta.isEmpty {
                delta.inserted.sort { $0.lexicographicallyPrecedes($1) }
                delta.deleted.sort { $0.lexicographicallyPrecedes($1) }
                deltas.append(delta)
            }
        }
        touched.removeAll(keepingCapacity: true)
        return deltas
    }

    private mutating func adjust(_ table: String, _ row: Row, by change: Int) {
        let before = counts[table]?[row] ?? 0
        if touched[table]?[row] == nil {
            touched[table, default: [:]][row] = before > 0
        }
        let after = before + change
        counts[table, default: [:]][row] = after > 0 ? after : nil
    }
}
