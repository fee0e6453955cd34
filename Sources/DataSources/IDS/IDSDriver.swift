import Datalog

/// The IDS data source: translates sensor output line by line into the `ids` tables and keeps
/// each row for a retention window, emitting insertions when rows appear and deletions when they
/// expire. Not thread-safe: feed it from one thread or behind a lock.
public final class IDSDriver: DataSourceDriver {
    public let service = IDSTables.service
    public let tables = IDSTables.all

    public private(set) var retention: RetentionWindow
    public private(set) var statistics = Statistics()
    private var translators: [String: any IDSLineTranslator] = [:]
    private let makeTranslator: () -> any IDSLineTranslator
    private let clock: any TimeSource
    private let logger: Logger
    private var rejectLimiter = RateLimiter()
    /// The most recent rejected lines, oldest first, at most `rejectionsKept`.
    public private(set) var recentRejections: [Rejection] = []
    public var rejectionsKept = 200

    /// A line the driver could not read, with where it came from and why.
    public struct Rejection: Sendable, Equatable {
        public var source: String
        public var lineNumber: Int
        public var reason: String
        public var excerpt: String
    }

    /// Counts of what the driver has read since it started.
    public struct Statistics: Sendable {
        public var linesRead = 0
        public var linesRejected = 0
        public var fieldWarnings = 0
        public var events = 0
        public var rowsInserted = 0
        public var rowsExpired = 0
    }

    /// Creates a driver that reads each input with its own translator from `makeTranslator`, so
    /// the header state of one Zeek log never leaks into another.
    public init(
        retentionSeconds: Int64 = 900, clock: any TimeSource = SystemTimeSource(),
        logger: Logger = Logger(label: "ids"), makeTranslator: @escaping () -> any IDSLineTranslator
    ) {
        self.retention = RetentionWindow(seconds: retentionSeconds)
        self.clock = clock
        self.logger = logger
        self.makeTranslator = makeTranslator
    }

    /// Translates one line of `source` and returns the rows it adds, grouped by table.
    /// A rejected line is counted and logged (rate-limited) with its source and line number.
    /// `complete` is false for a line that was cut for length or ended without LF; it is rejected.
    public func ingest(line: ArraySlice<UInt8>, source: String, lineNumber: Int, complete: Bool = true)
        -> [TableDelta]
    {
        statistics.linesRead += 1
        if isBlank(line) { return [] }
        var result: LineResult
        if complete {
            var translator = translators[source] ?? makeTranslator()
            result = translator.translate(line: line)
            translators[source] = translator
        } else {
            result = .rejected("line cut off: longer than the maximum line length or without a final newline")
        }

        let now = clock.now()
        statistics.fieldWarnings += result.warnings.count
        for warning in result.warnings {
            logger.debug("field dropped", metadata: ["source": source, "line": String(lineNumber), "reason": warning])
        }
        if let reason = result.rejectReason {
            statistics.linesRejected += 1
            logRejected(reason: reason, line: line, source: source, lineNumber: lineNumber, now: now)
            return []
        }

        var inserted: [String: [Row]] = [:]
        for event in result.events {
            statistics.events += 1
            for (table, row) in IDSTables.rows(for: event)
            where retention.observe(table: table, row: row, at: now) {
                inserted[table, default: []].append(row)
            }
        }
        statistics.rowsInserted += inserted.values.reduce(0) { $0 + $1.count }
        return inserted.keys.sorted().map { TableDelta(table: $0, inserted: inserted[$0] ?? []) }
    }

    /// Deletes rows not seen for the retention window and returns the deletions.
    public func expire() -> [TableDelta] {
        let deltas = retention.expire(at: clock.now())
        statistics.rowsExpired += deltas.reduce(0) { $0 + $1.deleted.count }
        return deltas
    }

    /// Forgets the translator state of `source`, for a file that was rotated or truncated.
    public func resetSource(_ source: String) {
        translators[source] = nil
    }

    private func logRejected(reason: String, line: ArraySlice<UInt8>, source: String, lineNumber: Int, now: Timestamp) {
        recentRejections.append(
            Rejection(
                source: source, lineNumber: lineNumber, reason: reason,
                excerpt: shorten(String(decoding: line.prefix(120), as: UTF8.self))))
        if recentRejections.count > rejectionsKept {
            recentRejections.removeFirst(recentRejections.count - rejectionsKept)
        }
        let admission = rejectLimiter.admit(at: now)
        guard admission.allowed else { return }
        var metadata = [
            "source": source, "line": String(lineNumber), "reason": reason,
            "excerpt": shorten(String(decoding: line.prefix(120), as: UTF8.self)),
        ]
        if admission.suppressedBefore > 0 {
            metadata["suppressed"] = String(admission.suppressedBefore)
        }
        logger.warning("rejected malformed line", metadata: metadata)
    }
}
