/// The severity of a client log line.
public enum LogLevel: Int, Sendable, Comparable {
    case debug, info, warning, error

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Receives the client's log lines: start of authentication, retries, re-authentication.
/// Lines name methods, URLs and statuses, never a password, secret or token.
public typealias OpenStackLogger = @Sendable (_ level: LogLevel, _ message: String) -> Void
