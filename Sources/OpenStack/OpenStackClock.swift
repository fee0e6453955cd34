import Foundation

/// The clock and the sleep the client uses, so tests of token expiry and backoff are exact.
public protocol OpenStackClock: Sendable {
    func now() -> Date
    /// Suspends the caller for `seconds`; a test clock advances its time instead.
    func sleep(seconds: Double) async throws
}

/// The real clock.
public struct SystemOpenStackClock: OpenStackClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}

/// A clock that moves only when told to or when something sleeps on it, recording each sleep.
public final class ManualOpenStackClock: OpenStackClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var recordedSleeps: [Double] = []

    public init(start: Date) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    public func sleep(seconds: Double) async throws {
        lock.withLock {
            recordedSleeps.append(seconds)
            current += seconds
        }
    }

    public func advance(by seconds: Double) {
        lock.withLock { current += seconds }
    }

    public func set(_ date: Date) {
        lock.withLock { current = date }
    }

    /// Every duration passed to `sleep`, in order.
    public var sleeps: [Double] {
        lock.withLock { recordedSleeps }
    }
}
