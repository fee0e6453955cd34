extension Enforcer {
    /// Runs the guard on a round of new intents and carries out those it allows. Intents that
    /// the guard allows are counted per policy against the blast-radius caps first, and a round
    /// over a cap is held as a whole, with one alert.
    func decide(_ records: [ActionRecord], evidence: [Evidence], approval: Guard.Approval = .none) async throws {
        let current = inventory()
        let policyGuard = Guard(settings: guardSettings)
        var allowed: [String: [ActionRecord]] = [:]
        var decisions: [Int64: GuardDecision] = [:]
        for record in records {
            let decision = policyGuard.decide(
                ActionIntent(record: record), inventory: current, evidence: evidence, approval: approval)
            if decision.outcome == .act {
                allowed[record.policy, default: []].append(record)
                decisions[record.id] = decision
            } else {
                try recordDecision(decision, for: record)
            }
        }

        for policy in allowed.keys.sorted() {
            let round = allowed[policy] ?? []
            let objection: GuardDecision?
            if approval == .none {
                objection = try checkBlastRadius(policy: policy, round: round, guard: policyGuard)
            } else {
                objection = nil
            }
            if let objection {
                for record in round { try recordDecision(objection, for: record) }
                emit(.massActionHeld(policy: policy, actionIDs: round.map(\.id), reason: objection.description))
                continue
            }
            // Blocks run first, because a host's nftables drop takes effect in milliseconds while
            // a cloud API response such as a quarantine may take seconds.
            let ordered = round.filter { $0.response == .block } + round.filter { $0.response != .block }
            for record in ordered {
                let decision = decisions[record.id] ?? GuardDecision(.act, .allowed, "every check passed")
                try await execute(record, actor: approvalActor(approval), decision: decision)
            }
        }
    }

    /// Counts distinct targets: a round that quarantines and pauses one VM is one VM acted on.
    private func checkBlastRadius(policy: String, round: [ActionRecord], guard policyGuard: Guard) throws
        -> GuardDecision?
    {
        let now = clock.now
        let targets = Set(round.map { $0.target.vmID ?? $0.target.address ?? $0.key })
        var policyTargets: Set<String> = []
        var globalTargets: Set<String> = []
        return try policyGuard.checkBlastRadius(
            policy: policy, newActions: targets.count,
            policyCount: { window in
                policyTargets = try self.ledger.actedTargets(since: now - window, policy: policy)
                return policyTargets.count - policyTargets.intersection(targets).count
            },
            globalCount: { window in
                globalTargets = try self.ledger.actedTargets(since: now - window)
                return globalTargets.count - globalTargets.intersection(targets).count
            },
            serverCount: inventory().serverCount)
    }

    private func approvalActor(_ approval: Guard.Approval) -> String {
        switch approval {
        case .none: return "agora"
        case .approved(let name), .overridden(let name): return name
        }
    }

    /// Stores a decision that does not call the backend.
    func recordDecision(_ decision: GuardDecision, for record: ActionRecord) throws {
        let reason = decision.description
        let now = clock.now
        switch decision.outcome {
        case .act:
            return
        case .record:
            try step(record.id, .monitored, detail: reason) { Self.decided(&$0, .monitored, reason, now) }
        case .dryRun:
            let backendName = record.response.flatMap { backend(for: $0)?.name } ?? "no backend"
            let call = "would call \(backendName) to \(record.response?.rawValue ?? record.action) \(record.target)"
            try step(record.id, .dryRun, detail: "\(reason); \(call)") { Self.decided(&$0, .dryRun, reason, now) }
        case .hold:
            try step(record.id, .held, detail: reason) { Self.decided(&$0, .held, reason, now) }
        case .refuse:
            try step(record.id, .refused, detail: reason) { Self.decided(&$0, .refused, reason, now) }
        }
    }

    private static func decided(_ record: inout ActionRecord, _ state: ActionState, _ reason: String, _ now: Double) {
        record.state = state
        record.reason = reason
        record.decidedAt = now
        record.decidedBy = "guard"
    }

    /// Calls the backend for an allowed action. The `executing` step, with the decision that
    /// allowed it when there is one, is committed before the call, and the outcome after it.
    func execute(_ record: ActionRecord, actor: String, decision: GuardDecision? = nil) async throws {
        guard let response = record.response, let backend = backend(for: response) else {
            let message = "no_backend: no registered backend carries out \(record.response?.rawValue ?? record.action)"
            try step(record.id, .failed, actor: actor, detail: message) {
                $0.state = .failed
                $0.reason = message
            }
            return
        }

        let now = clock.now
        let calling = "calling \(backend.name)"
        let detail = decision.map { "\($0); \(calling)" } ?? calling
        let running = try step(record.id, .executing, actor: actor, detail: detail) {
            if let decision { $0.reason = decision.description }
            $0.state = .executing
            $0.attempts += 1
            $0.backend = backend.name
            $0.retryAt = nil
            if $0.decidedAt == nil {
                $0.decidedAt = now
                $0.decidedBy = actor == "agora" ? "guard" : actor
            }
        }
        let result = await backend.apply(response, to: running.target, reason: "\(record.policy): \(record.reason)")
        try await finish(running, result: result, backend: backend, actor: actor)
    }

    /// Records the result of `apply`, sets the release deadline or escalates a repeat
    /// offender, and verifies the change once.
    func finish(_ record: ActionRecord, result: BackendResult, backend: any ActionBackend, actor: String) async throws {
        let now = clock.now
        switch result.status {
        case .failed, .partial:
            let retry = result.transient && record.attempts < settings.maxAttempts
            let detail = result.detail + (retry ? "; trying again in \(Int(settings.retryDelay)) s" : "")
            try step(record.id, .failed, actor: actor, detail: detail) {
                $0.state = .failed
                $0.result = result.detail
                $0.changes = result.changes
                $0.retryAt = retry ? now + self.settings.retryDelay : nil
            }
            return
        case .done, .alreadyInState:
            break
        }

        let escalation = try repeatOffence(record, now: now)
        let releaseAfter = settings.releaseAfter(policy: record.policy)
        var executed = try step(record.id, .executed, actor: actor, detail: result.detail) {
            $0.state = .executed
            $0.executedAt = now
            $0.result = result.detail
            $0.changes = result.changes
            $0.releaseDue = escalation == nil ? releaseAfter.map { now + $0 } : nil
        }
        if let escalation {
            executed = try step(record.id, .escalated, detail: escalation)
        }
        try await checkVisible(executed, backend: backend)
    }

    /// Returns the escalation message when this execution reaches the repeat limit for its VM.
    private func repeatOffence(_ record: ActionRecord, now: Double) throws -> String? {
        guard let response = record.response, response != .block, let vmID = record.target.vmID else { return nil }
        let window = settings.repeatWindow
        let earlier = try ledger.executionCount(response: response, vmID: vmID, since: now - window)
        let count = earlier + 1
        guard count >= settings.repeatLimit else { return nil }
        return "\(vmID) \(response.pastTense) \(count) times in \(Guard.describe(seconds: window)); "
            + "automatic release suspended"
    }

    /// Reads the change back. A change not visible within the visibility limit is reported once,
    /// and the action is not sent again.
    func checkVisible(_ record: ActionRecord, backend: any ActionBackend) async throws {
        let result = await backend.verify(record.changes)
        if result.status == .done || result.status == .alreadyInState {
            try step(record.id, .verified, detail: result.detail) {
                $0.state = .verified
                $0.verifiedAt = self.clock.now
            }
            return
        }
        guard record.state == .executed, let executedAt = record.executedAt,
            clock.now - executedAt >= settings.visibilityLimit
        else { return }
        let what = record.response?.rawValue ?? record.action
        let detail = "\(what) not visible after \(Int(settings.visibilityLimit)) s: \(result.detail)"
        try step(record.id, .verifyFailed, detail: detail) { $0.state = .unverified }
    }
}
