/// Decides, at execution time and against the current inventory, whether an intent may run.
///
/// The checks run in a fixed order, and the first that objects decides. The action must be a
/// known response, the inventory fresh and the target present. The target must be unprotected,
/// the source address pinned on the VM, and the policy's mode must allow acting. Blast-radius
/// caps apply to a whole round of intents, so `checkBlastRadius` checks them separately.
public struct Guard: Sendable {
    /// An operator's grant for one action.
    public enum Approval: Sendable, Equatable {
        case none
        /// An operator approved: the policy mode and the blast-radius caps no longer hold it.
        case approved(by: String)
        /// An admin approved with an override: protected targets are allowed too.
        case overridden(by: String)

        var liftsProtection: Bool {
            if case .overridden = self { return true }
            return false
        }
    }

    public var settings: GuardSettings

    public init(settings: GuardSettings = GuardSettings()) {
        self.settings = settings
    }

    /// Decides one intent. `evidence` is what the round carried; its MAC addresses can pin a
    /// shared address on one port.
    public func decide(
        _ intent: ActionIntent, inventory: any Inventory, evidence: [Evidence] = [], approval: Approval = .none
    ) -> GuardDecision {
        guard let response = intent.response else {
            return GuardDecision(.refuse, .unsupportedAction, intent.problem ?? "\(intent.action) is not supported")
        }

        guard let age = inventory.ageSeconds else {
            return GuardDecision(.hold, .inventoryStale, "the inventory was never refreshed")
        }
        if age > settings.maxInventoryAge {
            let seconds = Int(age.rounded())
            let limit = Int(settings.maxInventoryAge.rounded())
            return GuardDecision(
                .hold, .inventoryStale, "the inventory is \(seconds) s old, over the limit of \(limit) s")
        }

        if response != .block {
            guard let vmID = intent.target.vmID, inventory.server(vmID) != nil else {
                let vmID = intent.target.vmID ?? "(none)"
                return GuardDecision(.refuse, .targetNotFound, "vm \(vmID) is not in the inventory")
            }
        }

        if let owner = settings.policyProjects[intent.policy] {
            let vmProject = intent.target.vmID.flatMap { inventory.server($0)?.projectID }
            if vmProject != owner {
                let target =
                    intent.target.vmID.map { "vm \($0) of project \(vmProject ?? "unknown")" }
                    ?? "address \(intent.target.address ?? "(none)")"
                return GuardDecision(
                    .refuse, .outsidePolicyProject,
                    "policy \(intent.policy) belongs to project \(owner) and may not act on \(target)")
            }
        }

        if !approval.liftsProtection, let objection = protection(of: intent, response: response, inventory: inventory) {
            return objection
        }

        if response != .block, settings.requireSourceAttribution,
            let objection = sourceObjection(intent, inventory: inventory, evidence: evidence)
        {
            return objection
        }

        switch approval {
        case .approved(let name), .overridden(let name):
            return GuardDecision(.act, .approvedByOperator, "approved by \(name)")
        case .none:
            break
        }

        let policy = intent.policy
        switch settings.mode(of: policy) {
        case .monitor:
            return GuardDecision(.record, .modeMonitor, "policy \(policy) is in monitor mode")
        case .dryRun:
            return GuardDecision(.dryRun, .modeDryRun, "policy \(policy) is in dry-run mode")
        case .approve:
            return GuardDecision(.hold, .approvalRequired, "policy \(policy) needs an operator's approval")
        case .enforce:
            return GuardDecision(.act, .allowed, "policy \(policy) enforces and every check passed")
        }
    }

    /// Checks a round of `newActions` intents of one policy against the policy's cap and the
    /// global cap. `policyCount` and `globalCount` return the actions executed within a window of
    /// the given seconds. Returns the decision that keeps the whole round waiting, or nil when the
    /// round may run.
    public func checkBlastRadius(
        policy: String, newActions: Int, policyCount: (Double) throws -> Int, globalCount: (Double) throws -> Int,
        serverCount: Int
    ) rethrows -> GuardDecision? {
        if let cap = settings.cap(of: policy),
            let objection = check(
                cap, count: try policyCount(cap.window) + newActions, newActions: newActions, serverCount: serverCount,
                scope: "policy \(policy)", countCode: .blastRadiusPolicy)
        {
            return objection
        }
        if let cap = settings.globalCap {
            return check(
                cap, count: try globalCount(cap.window) + newActions, newActions: newActions, serverCount: serverCount,
                scope: "all policies", countCode: .blastRadiusGlobal)
        }
        return nil
    }

    private func check(
        _ cap: BlastRadiusCap, count: Int, newActions: Int, serverCount: Int, scope: String, countCode: ReasonCode
    ) -> GuardDecision? {
        let window = Self.describe(seconds: cap.window)
        if count > cap.maxActions {
            return GuardDecision(
                .hold, countCode,
                "\(newActions) new actions would make \(count) for \(scope) in \(window), over the cap of "
                    + "\(cap.maxActions)")
        }
        // One action is always within a percentage cap, so that a small cloud can still isolate one VM.
        if let percent = cap.maxServerPercent, count > max(1, Int((percent / 100 * Double(serverCount)).rounded(.down)))
        {
            return GuardDecision(
                .hold, .blastRadiusServers,
                "\(newActions) new actions would make \(count) for \(scope) in \(window), over \(percent)% of "
                    + "\(serverCount) servers")
        }
        return nil
    }

    static func describe(seconds: Double) -> String {
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 {
            return "\(Int(seconds / 60)) minutes"
        }
        return "\(Int(seconds.rounded())) s"
    }
}
