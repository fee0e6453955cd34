import Datalog

/// Rows of stream tables kept for a fixed window after they were last seen.
///
/// A row seen again within the window is counted and its expiry moves, but it is inserted only
/// once, so a busy flow does not multiply rows. `expire(at:)` deletes rows not seen for the
/// window. Each sighting costs one queue entry until it expires, so memory grows with the
/// sighting rate times the window; the queue is compacted when stale entries outnumber live ones.
public struct RetentionWindow: Sendable {
    public struct Entry: Hashable, Sendable {
        public var count: Int
        public var lastSeen: Timestamp
    }

    private struct Key: Hashable, Sendable {
        var table: String
        var row: Row
    }

    public var windowMicroseconds: Int64
    private var entries: [Key: Entry] = [:]
    private var queue: [(key: Key, seen: Timestamp)] = []
    private var queueStart = 0

    /// Creates a window of `seconds` (15 minutes by default).
    public init(seconds: Int64 = 900) {
        precondition(seconds > 0, "a retention window must be longer than zero seconds")
        windowMicroseconds = seconds * 1_000_000
    }

    public var rowCount: Int { entries.count }

    /// The sighting count and last sighting of a row, or nil when it is not retained.
    public func entry(table: String, row: Row) -> Entry? {
        entries[Key(table: table, row: row)]
    }

    /// Records a sighting of `row` at `now`; returns true when the row is new and must be inserted.
    public mutating func observe(table: String, row: Row, at now: Timestamp) -> Bool {
        let key = Key(table: table, row: row)
        queue.append((key, now))
        if var entry = entries[key] {
            entry.count += 1
            entry.lastSeen = max(entry.lastSeen, now)
            entries[key] = entry
            return false
        }
        entries[key] = Entry(count: 1, lastSeen: now)
        return true
    }

    /// Removes rows last seen `window` or longer before `now` and returns them as deletions.
    public mutating func expire(at now: Timestamp) -> [TableDelta] {
        var deleted: [String: [Row]] = [:]
        while queueStart < queue.count, now.microseconds - queue[queueStart].seen.microseconds >= windowMicroseconds {
            let (key, seen) = queue[queueStart]
            queueStart += 1
            guard let entry = entries[key], entry.lastSeen <= seen else { continue }
            entries[key] = nil
            deleted[key.table, default: []].append(key.row)
        }
        if queueStart > 1024 && queueStart * 2 > queue.count {
            queue.removeFirst(queueStart)
            queueStart = 0
        }
        return deleted.keys.sorted().map { TableDelta(table: $0, deleted: deleted[$0] ?? []) }
    }
}
