/// The outcome of an action, as reported to its caller.
public enum ActionOutcome: Sendable, Equatable {
    /// The change was made and reading back confirmed it.
    case done
    /// The target was already in the requested state, so nothing was sent.
    case alreadyInState
    /// The change was not made or could not be confirmed, for the given reason.
    case failed(reason: String)
}

/// The outcome of one action on one target, with how it was carried out.
public struct ActionResult: Sendable, Equatable, CustomStringConvertible {
    /// The action name, such as `quarantine_port` or `pause`.
    public var action: String
    /// The id of the port or server acted on.
    public var target: String
    public var outcome: ActionOutcome
    /// The method used or the reason for another route, such as
    /// "admin_state_up=false because port security is off".
    public var detail: String
    /// True when the failure was authentication itself, so later actions of the same batch
    /// would fail the same way and are not attempted.
    public var stopsBatch = false
    /// True when the failure may pass by itself (no HTTP response, or a 5xx), so the same request
    /// may succeed later. It is false for a 4xx, because the same request would be rejected again.
    public var transient = false

    public init(
        action: String, target: String, outcome: ActionOutcome, detail: String = "", stopsBatch: Bool = false,
        transient: Bool = false
    ) {
        self.action = action
        self.target = target
        self.outcome = outcome
        self.detail = detail
        self.stopsBatch = stopsBatch
        self.transient = transient
    }

    public var succeeded: Bool {
        outcome == .done || outcome == .alreadyInState
    }

    public var description: String {
        let state: String
        switch outcome {
        case .done: state = "done"
        case .alreadyInState: state = "already in that state"
        case .failed(let reason): state = "failed: \(reason)"
        }
        return "\(action) \(target): \(state)" + (detail.isEmpty ? "" : " (\(detail))")
    }

    /// Makes the result for an error thrown by the client, naming the service's own message.
    static func failure(_ action: String, _ target: String, _ error: Error) -> ActionResult {
        if case OpenStackError.authenticationFailed = error {
            return ActionResult(
                action: action, target: target, outcome: .failed(reason: "authentication failed: \(error)"),
                stopsBatch: true)
        }
        return ActionResult(
            action: action, target: target, outcome: .failed(reason: "\(error)"), transient: isTransient(error))
    }

    /// Returns whether `error` may pass by itself: no HTTP response at all, or a 5xx from the service.
    public static func isTransient(_ error: Error) -> Bool {
        switch error {
        case OpenStackError.connection:
            return true
        case OpenStackError.http(let failure):
            return failure.status >= 500
        default:
            return false
        }
    }
}

/// Runs actions one after another. After an authentication failure the remaining actions
/// are reported as not run, because each would fail the same way, and the batch stops.
public func runActionBatch(_ actions: [(action: String, target: String, run: @Sendable () async -> ActionResult)])
    async -> [ActionResult]
{
    var results: [ActionResult] = []
    var stopReason: String?
    for item in actions {
        if let stopReason {
            results.append(
                ActionResult(
                    action: item.action, target: item.target, outcome: .failed(reason: "not run: \(stopReason)")))
            continue
        }
        let result = await item.run()
        results.append(result)
        if result.stopsBatch { stopReason = "authentication failed earlier in the batch" }
    }
    return results
}
