extension Enforcer {
    /// Reconciles actions that a crash left in `executing`, before the first submit. A change that
    /// `verify` finds in place is recorded as executed. Otherwise the call is made once more,
    /// which is safe because every backend operation is idempotent and reads the target first.
    public func start() async throws {
        for record in try ledger.records(in: [.executing]) {
            guard let response = record.response, let backend = backend(for: response) else {
                let message =
                    "no_backend: no registered backend carries out \(record.response?.rawValue ?? record.action)"
                try step(record.id, .failed, actor: "recovery", detail: message) {
                    $0.state = .failed
                    $0.reason = message
                }
                continue
            }
            if !record.changes.isEmpty {
                let check = await backend.verify(record.changes)
                if check.status == .done || check.status == .alreadyInState {
                    let result = BackendResult(
                        status: .done, changes: record.changes, detail: "found in place after a restart")
                    try await finish(record, result: result, backend: backend, actor: "recovery")
                    continue
                }
            }
            // NOTE: without recorded changes the prior state is unknown. A backend that finds the
            // change already in place returns `already_in_state` and may record no prior state,
            // so such an action may not be fully undone by a release.
            try step(record.id, .executing, actor: "recovery", detail: "calling \(backend.name) again after a restart")
            {
                $0.attempts += 1
            }
            let result = await backend.apply(response, to: record.target, reason: "\(record.policy): \(record.reason)")
            try await finish(try require(record.id), result: result, backend: backend, actor: "recovery")
        }
    }

    /// Does the work that falls due with time: automatic releases, visibility checks of executed
    /// actions, rows whose hold-down ended, retries after transient failures, and actions held
    /// for stale inventory once the inventory is fresh.
    public func tick() async throws {
        let now = clock.now

        for record in try ledger.records(in: [.executed, .verified, .unverified]) {
            guard let due = record.releaseDue, due <= now else { continue }
            try step(record.id, .expired, actor: "expiry", detail: "release deadline passed")
            try await release(record.id, by: "expiry")
        }

        for record in try ledger.records(in: [.executed, .unverified]) {
            guard let response = record.response,
                let backend = backends.first(where: { $0.name == record.backend })
                    ?? backend(for: response)
            else { continue }
            try await checkVisible(record, backend: backend)
        }

        for (key, entry) in deferred.sorted(by: { $0.key < $1.key }) where entry.due <= now {
            deferred[key] = nil
            let record = try create(entry.intent, evidence: entry.evidence)
            try ledger.setRow(key, live: true, at: now)
            try await decide([record], evidence: entry.evidence)
        }

        for record in try ledger.records(in: [.failed]) {
            guard let retryAt = record.retryAt, retryAt <= now else { continue }
            try await execute(record, actor: "retry")
        }

        let stale = try ledger.records(in: [.held]).filter {
            ReasonCode(rawValue: $0.reasonCode)?.rechecksAutomatically == true
        }
        if !stale.isEmpty, let age = inventory().ageSeconds, age <= guardSettings.maxInventoryAge {
            try await decide(stale, evidence: [])
        }
    }
}
