/// One row of a table: its column values in schema order.
public typealias Row = [Value]

/// A change to one table: the rows that appeared and the rows that went away.
///
/// Drivers hand the engine deltas, never whole snapshots, and the engine reports the change of
/// every derived table in the same shape. `table` is the full name, `service:table`.
public struct TableDelta: Hashable, Sendable {
    public var table: String
    public var inserted: [Row]
    public var deleted: [Row]

    public init(table: String, inserted: [Row] = [], deleted: [Row] = []) {
        self.table = table
        self.inserted = inserted
        self.deleted = deleted
    }

    public var isEmpty: Bool { inserted.isEmpty && deleted.isEmpty }
}
