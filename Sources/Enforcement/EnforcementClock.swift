import Foundation

/// The time source for the enforcement core, in seconds since 1970. Windows, hold-downs,
/// visibility limits and release deadlines all read it, so a test can step through them exactly.
public protocol EnforcementClock: Sendable {
    var now: Double { get }
}

/// The wall clock.
public struct SystemClock: EnforcementClock {
    public init() {}

    public var now: Double { Date().timeIntervalSince1970 }
}

/// A clock that moves only when told to, for tests and simulations.
public final class ManualClock: EnforcementClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double

    public init(now: Double = 0) {
        current = now
    }

    public var now: Double {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: Double) {
        lock.lock()
        current += seconds
        lock.unlock()
    }

    /// Sets the clock to `time`, which may lie in the past.
    public func set(_ time: Double) {
        lock.lock()
        current = time
        lock.unlock()
    }
}
