/// Timing and repeat rules of the enforcer, which the service stores as JSON. Every field may
/// be left out of the JSON and takes its default.
public struct EnforcerSettings: Sendable, Codable, Equatable {
    /// Seconds after an action for a row ended (released, refused, failed, recorded) during which
    /// the same row coming back does not fire again; it fires when the hold-down ends if the row
    /// is still derived.
    public var holdDown: Double = 60
    /// Seconds after execution within which `verify` must see the change; past it the action is
    /// reported as not visible, and never resent.
    public var visibilityLimit: Double = 60
    /// Seconds after execution at which an action is released automatically; nil for operator
    /// release only.
    public var releaseAfter: Double?
    /// Per-policy values that replace `releaseAfter`.
    public var releaseAfterByPolicy: [String: Double] = [:]
    /// The number of executions of one response on one VM within `repeatWindow` at which the
    /// latest gets no automatic release and an escalation is raised.
    public var repeatLimit = 3
    public var repeatWindow: Double = 3600
    /// The most backend calls for one action when failures are transient.
    public var maxAttempts = 3
    /// Seconds between tries after a transient failure.
    public var retryDelay: Double = 30

    public init() {}

    public func releaseAfter(policy: String) -> Double? { releaseAfterByPolicy[policy] ?? releaseAfter }

    private enum CodingKeys: String, CodingKey {
        case holdDown, visibilityLimit, releaseAfter, releaseAfterByPolicy, repeatLimit, repeatWindow, maxAttempts
        case retryDelay
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = EnforcerSettings()
        holdDown = try container.decodeIfPresent(Double.self, forKey: .holdDown) ?? defaults.holdDown
        visibilityLimit =
            try container.decodeIfPresent(Double.self, forKey: .visibilityLimit) ?? defaults.visibilityLimit
        releaseAfter = try container.decodeIfPresent(Double.self, forKey: .releaseAfter)
        releaseAfterByPolicy =
            try container.decodeIfPresent([String: Double].self, forKey: .releaseAfterByPolicy) ?? [:]
        repeatLimit = try container.decodeIfPresent(Int.self, forKey: .repeatLimit) ?? defaults.repeatLimit
        repeatWindow = try container.decodeIfPresent(Double.self, forKey: .repeatWindow) ?? defaults.repeatWindow
        maxAttempts = try container.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? defaults.maxAttempts
        retryDelay = try container.decodeIfPresent(Double.self, forKey: .retryDelay) ?? defaults.retryDelay
    }
}
