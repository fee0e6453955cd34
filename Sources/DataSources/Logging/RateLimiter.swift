/// Lets at most `limit` events through per `interval` and counts the ones it holds back, so a
/// flood of malformed lines logs a few examples and then one summary instead of every line.
public struct RateLimiter: Sendable {
    public var limit: Int
    public var intervalMicroseconds: Int64
    private var windowStart: Int64?
    private var passed = 0
    /// Events held back since the last one that passed.
    public private(set) var suppressed = 0

    public init(limit: Int = 10, intervalSeconds: Int64 = 60) {
        self.limit = limit
        self.intervalMicroseconds = intervalSeconds * 1_000_000
    }

    /// Returns whether the event at `now` may be logged, and how many were held back before it.
    public mutating func admit(at now: Timestamp) -> (allowed: Bool, suppressedBefore: Int) {
        if let start = windowStart, now.microseconds - start < intervalMicroseconds {
            guard passed < limit else {
                suppressed += 1
                return (false, 0)
            }
        } else {
            windowStart = now.microseconds
            passed = 0
        }
        passed += 1
        let held = suppressed
        suppressed = 0
        return (true, held)
    }
}
