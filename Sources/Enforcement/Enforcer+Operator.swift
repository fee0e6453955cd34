extension Enforcer {
    /// Approves a held action and decides it again against the current inventory. The approval
    /// lifts the policy mode and the blast-radius caps; `override` also lifts the protected list,
    /// and a protected target needs it. Returns the action after the decision.
    @discardableResult
    public func approve(_ id: Int64, by operatorName: String, override: Bool = false) async throws -> ActionRecord {
        let record = try require(id)
        guard record.state == .held || record.state == .requested else {
            throw EnforcementError.invalidState(id: id, state: record.state, operation: "approve")
        }
        let code = ReasonCode(rawValue: record.reasonCode)
        if code?.needsOverride == true && !override {
            throw EnforcementError.overrideRequired(id: id, reason: record.reason)
        }

        let detail = override ? "approved with an override of the protected list" : "approved"
        let approved = try step(id, .approved, actor: operatorName, detail: detail) {
            $0.decidedAt = self.clock.now
            $0.decidedBy = operatorName
        }
        let approval: Guard.Approval = override ? .overridden(by: operatorName) : .approved(by: operatorName)
        try await decide([approved], evidence: [], approval: approval)
        return try require(id)
    }

    /// Refuses an action that has not run: it stays in the ledger, refused, and never runs.
    @discardableResult
    public func refuse(_ id: Int64, by operatorName: String, reason: String) throws -> ActionRecord {
        let record = try require(id)
        guard record.state == .held || record.state == .requested else {
            throw EnforcementError.invalidState(id: id, state: record.state, operation: "refuse")
        }
        return try step(id, .refused, actor: operatorName, detail: reason) {
            $0.state = .refused
            $0.reason = "refused_by_operator: \(reason)"
            $0.decidedAt = self.clock.now
            $0.decidedBy = operatorName
        }
    }

    /// Puts back what the action changed, through the backend that changed it, and reads it back.
    @discardableResult
    public func release(_ id: Int64, by operatorName: String) async throws -> ActionRecord {
        let record = try require(id)
        let releasable: Set<ActionState> = [.executed, .verified, .unverified, .releaseFailed]
        let partial = record.state == .failed && !record.changes.isEmpty
        guard releasable.contains(record.state) || partial else {
            throw EnforcementError.invalidState(id: id, state: record.state, operation: "release")
        }
        guard let response = record.response, let backend = releaseBackend(for: record, response: response) else {
            throw EnforcementError.noBackend(response: record.response ?? .quarantine)
        }

        let result = await backend.release(record.changes)
        let now = clock.now
        guard result.status == .done || result.status == .alreadyInState else {
            return try step(id, .releaseFailed, actor: operatorName, detail: result.detail) {
                $0.state = .releaseFailed
                $0.result = result.detail
            }
        }
        try step(id, .released, actor: operatorName, detail: result.detail) {
            $0.state = .released
            $0.releasedAt = now
            $0.releasedBy = operatorName
            $0.releaseDue = nil
            $0.result = result.detail
        }

        // After a release, `verify` must find none of the changes in place. A transient result
        // proves nothing either way.
        let check = await backend.verify(record.changes)
        if check.status == .failed && !check.transient {
            return try step(id, .releaseVerified, actor: operatorName, detail: "the prior state is back")
        }
        return try step(
            id, .verifyFailed, actor: operatorName, detail: "release not confirmed by a read-back: \(check.detail)")
    }

    /// The backend that made the changes, by name, else the first that supports the response.
    private func releaseBackend(for record: ActionRecord, response: ResponseKind) -> (any ActionBackend)? {
        backends.first { $0.name == record.backend } ?? backend(for: response)
    }

    func require(_ id: Int64) throws -> ActionRecord {
        guard let record = try ledger.record(id) else { throw EnforcementError.actionNotFound(id: id) }
        return record
    }
}

extension Enforcer {
    /// Decides again, under the current settings, the rows of `policy` that are still derived
    /// and whose last action was only recorded (monitor or dry-run). The service calls this when
    /// an operator moves a policy to approve or enforce, so that VMs flagged during the dry run
    /// are acted on (or wait for approval) instead of being skipped because their rows are old.
    public func redecide(policy: String) async throws {
        var fresh: [ActionRecord] = []
        for record in try ledger.records(in: [.monitored, .dryRun]) where record.policy == policy {
            guard try ledger.latest(key: record.key)?.id == record.id, try ledger.rowIsLive(record.key) == true else {
                continue
            }
            fresh.append(try create(ActionIntent(record: record), evidence: []))
        }
        try await decide(fresh, evidence: [])
    }
}
