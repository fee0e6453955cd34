/// One finished request, as the access log and latency hooks receive it.
public struct HTTPAccessRecord: Sendable {
    public var method: String
    /// The path as the client sent it, without the query.
    public var path: String
    /// The route pattern that matched, such as `/v1/policies/{policy}`, or nil when none matched. Use it rather
    /// than `path` as a metrics label, because it has few distinct values.
    public var route: String?
    public var status: Int
    /// The time from the request line's arrival to the end of the response; for an event stream, its lifetime.
    public var duration: Duration
    public var clientAddress: String?
    public var isEventStream: Bool
    /// False when the connection ended before the whole response was sent.
    public var completed: Bool
}

/// The severity of a message that the server logs.
public enum HTTPLogLevel: String, Sendable, Comparable {
    case debug, info, warning, error

    public static func < (lhs: HTTPLogLevel, rhs: HTTPLogLevel) -> Bool {
        lhs.severity < rhs.severity
    }

    private var severity: Int {
        switch self {
        case .debug: return 0
        case .info: return 1
        case .warning: return 2
        case .error: return 3
        }
    }
}
