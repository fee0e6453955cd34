/// What the enforcer tells the service about, for incidents and notifications.
public enum EnforcementEvent: Sendable, Equatable {
    /// A step in one action's timeline, as written to the ledger, with the action after the step.
    /// Escalations (`escalated`) and changes not visible in time (`verify_failed`) come this way.
    case action(ActionEvent, ActionRecord)
    /// A round of intents was held together because it passed a blast-radius cap. Sent once per
    /// round and policy, however many intents it held.
    case massActionHeld(policy: String, actionIDs: [Int64], reason: String)
    /// Evidence whose source address is not pinned on one VM, so it was added to no action.
    case unattributedEvidence(Evidence, reason: String)
}

extension ResponseKind {
    /// The response as a verb in the past, for messages such as "vm-a quarantined 3 times".
    var pastTense: String {
        switch self {
        case .quarantine: return "quarantined"
        case .portDown: return "set port down"
        case .pause: return "paused"
        case .lock: return "locked"
        case .block: return "blocked"
        }
    }
}
