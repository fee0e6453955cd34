/// Where an action stands. The open states are those in which the action still owns its
/// target: a second request for the same response on the same VM joins it as evidence.
public enum ActionState: String, Sendable, Codable, CaseIterable {
    /// Written to the ledger, no decision yet.
    case requested
    /// Waiting for an operator: approval mode, a protected target, a blast-radius cap or stale inventory.
    case held
    /// Not carried out: the guard found the source address unattributable or the target missing,
    /// or an operator refused it.
    case refused
    /// The policy is in monitor mode: recorded only.
    case monitored
    /// The policy is in dry-run mode: recorded with the call that would have been made.
    case dryRun = "dry_run"
    /// The backend call has started and its outcome is not recorded yet.
    case executing
    /// The backend made the change; the read-back through `verify` has not confirmed it yet.
    case executed
    /// `verify` confirmed that the change is in place.
    case verified
    /// The change was still not visible after the visibility limit. It is reported, never resent.
    case unverified
    /// The backend call failed; `retryAt` is set while a transient failure is retried.
    case failed
    /// The recorded changes were put back.
    case released
    /// The release call failed; the change may still be in place.
    case releaseFailed = "release_failed"

    /// The states in which the action still owns its target.
    public static let open: Set<ActionState> = [
        .requested, .held, .executing, .executed, .verified, .unverified, .releaseFailed,
    ]

    public var isOpen: Bool { Self.open.contains(self) }
}

/// The kinds of step in an action's timeline.
public enum ActionEventKind: String, Sendable, Codable, CaseIterable {
    case requested, held, approved, refused, monitored, executing, executed, failed, verified, released, expired
    case escalated
    case dryRun = "dry_run"
    case verifyFailed = "verify_failed"
    case releaseFailed = "release_failed"
    case releaseVerified = "release_verified"
    case evidenceAdded = "evidence_added"
    case incidentLinked = "incident_linked"
}

/// One step in an action's timeline, as stored in `action_events`.
public struct ActionEvent: Hashable, Sendable, Codable {
    public var actionID: Int64
    /// Seconds since 1970, from the enforcement clock.
    public var at: Double
    public var kind: ActionEventKind
    /// Who caused the step: `agora`, an operator's name, `expiry`, `recovery`.
    public var actor: String
    public var detail: String

    public init(actionID: Int64, at: Double, kind: ActionEventKind, actor: String, detail: String) {
        self.actionID = actionID
        self.at = at
        self.kind = kind
        self.actor = actor
        self.detail = detail
    }
}

/// One action intent and everything that happened to it, as the ledger stores it.
public struct ActionRecord: Hashable, Sendable {
    public var id: Int64
    public var key: String
    public var policy: String
    /// `service:action` as the rule wrote it.
    public var action: String
    public var arguments: String
    public var response: ResponseKind?
    public var target: ActionTarget
    public var state: ActionState
    /// The last decision's reason: a reason code, a colon and a sentence naming the value.
    public var reason: String
    public var attempts: Int
    public var incidentID: String?
    public var requestedAt: Double
    public var decidedAt: Double?
    public var decidedBy: String?
    public var executedAt: Double?
    /// The backend that carried the action out.
    public var backend: String?
    /// The backend's last message.
    public var result: String
    /// What the backend changed, with the prior state, for the release.
    public var changes: [AppliedChange]
    public var verifiedAt: Double?
    public var releasedAt: Double?
    public var releasedBy: String?
    /// When the action is released automatically; nil when only an operator releases it.
    public var releaseDue: Double?
    /// When a transient failure is tried again; nil when no retry is planned.
    public var retryAt: Double?
    /// Evidence references, oldest first.
    public var evidence: [String]

    /// The reason code at the start of `reason`, such as `protected_project`.
    public var reasonCode: String {
        guard let colon = reason.firstIndex(of: ":") else { return reason }
        return String(reason[..<colon])
    }
}
