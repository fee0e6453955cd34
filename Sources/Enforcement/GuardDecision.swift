/// The machine-readable cause of a guard decision, stored at the start of the action's reason.
public enum ReasonCode: String, Sendable, Codable, CaseIterable {
    case allowed
    case approvedByOperator = "approved_by_operator"
    case modeMonitor = "mode_monitor"
    case modeDryRun = "mode_dry_run"
    case approvalRequired = "approval_required"
    case unsupportedAction = "unsupported_action"
    case noBackend = "no_backend"
    case inventoryStale = "inventory_stale"
    case targetNotFound = "target_not_found"
    case outsidePolicyProject = "outside_policy_project"
    case protectedVM = "protected_vm"
    case protectedProject = "protected_project"
    case protectedNetwork = "protected_network"
    case protectedAddress = "protected_address"
    case infrastructurePort = "infrastructure_port"
    case infrastructureAddress = "infrastructure_address"
    case blastRadiusPolicy = "blast_radius_policy"
    case blastRadiusGlobal = "blast_radius_global"
    case blastRadiusServers = "blast_radius_servers"
    case sourceMissing = "source_missing"
    case sourceAmbiguous = "source_ambiguous"
    case sourceSharedAddress = "source_shared_address"
    case sourceUnowned = "source_unowned"
    case sourcePortSecurityOff = "source_port_security_off"
    case sourceOtherVM = "source_other_vm"

    /// Codes that only an admin's per-action override lifts.
    public var needsOverride: Bool {
        switch self {
        case .protectedVM, .protectedProject, .protectedNetwork, .protectedAddress, .infrastructurePort,
            .infrastructureAddress:
            return true
        default:
            return false
        }
    }

    /// Codes for which the guard decides again by itself once the cause has passed.
    public var rechecksAutomatically: Bool { self == .inventoryStale }
}

/// What the guard decided for one intent, with the reason.
public struct GuardDecision: Sendable, Equatable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Codable {
        /// Call the backend.
        case act
        /// Record only (monitor mode).
        case record
        /// Record the call that would be made (dry-run mode).
        case dryRun = "dry_run"
        /// Wait for an operator.
        case hold
        /// Do not act; an operator may act by hand.
        case refuse
    }

    public var outcome: Outcome
    public var code: ReasonCode
    /// A sentence that names the value behind the decision.
    public var message: String

    public init(_ outcome: Outcome, _ code: ReasonCode, _ message: String) {
        self.outcome = outcome
        self.code = code
        self.message = message
    }

    /// The form stored in the ledger: `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
