extension SimulatedBackend {
    /// Puts back each change's `before` state in the reverse order of application. A resource that
    /// no longer shows the `after` state was changed by someone else, and is left for an operator.
    public func release(_ changes: [AppliedChange]) async -> BackendResult {
        var collector = ResultCollector()
        for change in changes.reversed() {
            let current = state(of: change)
            let restored = reversed(change)
            if current == change.before || state(of: restored) == restored.after {
                collector.notes.append("\(change.kind) \(change.resource) is already \(change.before)")
                continue
            }
            guard current == change.after else {
                collector.failed(
                    "conflict on \(change.resource): found \(change.kind) \(current), meant to restore "
                        + "\(change.before) over \(change.after); left for an operator")
                continue
            }

            switch ChangeKind(rawValue: change.kind) {
            case .portSecurityGroups:
                guard let port = cloud.port(change.resource) else { continue }
                await setGroups(port, to: ChangeKind.groups(change.before), into: &collector)
            case .portAdminState:
                guard let port = cloud.port(change.resource) else { continue }
                await setAdminState(
                    port, up: change.before == "up", method: "admin_state_up=\(change.before == "up")",
                    into: &collector)
            case .serverStatus where change.after == "PAUSED":
                await self.change(
                    .unpause, serverID: change.resource, reason: nil, into: &collector, recording: restored)
            case .serverLock:
                await self.change(
                    .unlock, serverID: change.resource, reason: nil, into: &collector, recording: restored)
            case .serverStatus, .nftElement, nil:
                collector.failed("the simulated backend cannot release \(change.kind) \(change.after)")
            }
        }
        return collector.result()
    }

    private func reversed(_ change: AppliedChange) -> AppliedChange {
        AppliedChange(
            kind: change.kind, resource: change.resource, before: change.after, after: change.before,
            method: "release")
    }
}
