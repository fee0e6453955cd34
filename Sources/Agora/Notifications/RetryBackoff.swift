import Foundation

/// Delays between delivery attempts: exponential from `base` and capped at `maximum`, with
/// jitter. Each delay is drawn uniformly between half the step and the whole step, so that rows
/// that failed together do not retry together.
public struct RetryBackoff: Sendable {
    /// Seconds before the first retry, before jitter.
    public var base: Double
    /// Largest delay in seconds.
    public var maximum: Double
    /// Attempts after which a row is marked failed.
    public var maxAttempts: Int
    /// Returns a number in 0..<1; injectable so that tests get fixed delays.
    public var random: @Sendable () -> Double

    public init(
        base: Double = 2, maximum: Double = 600, maxAttempts: Int = 12,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.base = base
        self.maximum = maximum
        self.maxAttempts = maxAttempts
        self.random = random
    }

    /// Returns the delay in seconds after the `attempt`-th failed attempt (1 for the first).
    public func delay(afterAttempt attempt: Int) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let step = min(maximum, base * pow(2, exponent))
        return step / 2 + step / 2 * random()
    }
}
