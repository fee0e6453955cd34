import Foundation

/// How often and how long to wait between attempts of one request.
///
/// Only failures that may be transient are retried: no HTTP response at all (refused, reset,
/// timed out) and 5xx responses. A 4xx is never retried; a 401 goes through the session's
/// single re-authentication instead. The delay before attempt n+1 is
/// `min(maxDelay, baseDelay * 2^(n-1))`, scaled by a random factor in `1-jitter ... 1`.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// The fraction of each delay that is random, from 0 (none) to 1.
    public var jitter: Double
    /// Returns a number in 0..<1; injectable so that tests see exact delays.
    public var random: @Sendable () -> Double

    public init(
        maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 8, jitter: Double = 0.5,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = min(max(jitter, 0), 1)
        self.random = random
    }

    /// No retries: one attempt only.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait in seconds after failed attempt `attempt` (1-based).
    public func delay(afterAttempt attempt: Int) -> Double {
        let exponent = Double(max(0, attempt - 1))
        let plain = min(maxDelay, baseDelay * pow(2, exponent))
        return plain * (1 - jitter * random())
    }

    /// Whether an HTTP status is worth another attempt.
    public static func isRetryable(status: Int) -> Bool {
        (500...599).contains(status)
    }
}
