import Foundation

/// A source of the current time, injectable so tests of windows and expiry can set it exactly.
public protocol TimeSource: Sendable {
    func now() -> Timestamp
}

/// The system's wall clock.
public struct SystemTimeSource: TimeSource {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(microseconds: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}

/// A clock that moves only when a test sets or advances it.
public final class ManualTimeSource: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Timestamp

    public init(_ start: Timestamp = Timestamp(microseconds: 0)) {
        current = start
    }

    public func now() -> Timestamp {
        lock.withLock { current }
    }

    public func set(_ time: Timestamp) {
        lock.withLock { current = time }
    }

    public func advance(seconds: Int64) {
        lock.withLock { current = Timestamp(microseconds: current.microseconds + seconds * 1_000_000) }
    }
}
