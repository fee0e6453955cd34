import OpenStack

extension OpenStackBackend {
    /// The longest `locked_reason` Nova accepts.
    static let maxLockReasonLength = 255

    func pause(serverID: String) async -> BackendResult {
        var collector = ResultCollector()
        do {
            let before = try await serverActions.nova.server(serverID)["status"]?.stringValue ?? "unknown"
            let result = await serverActions.perform(.pause, serverID: serverID)
            record(
                result, into: &collector,
                change: AppliedChange(
                    kind: ChangeKind.serverStatus.rawValue, resource: serverID, before: before, after: "PAUSED",
                    method: "pause"))
        } catch {
            collector.failed("reading server \(serverID) failed: \(error)", transient: ActionResult.isTransient(error))
        }
        return collector.result()
    }

    func lock(serverID: String, reason: String) async -> BackendResult {
        var collector = ResultCollector()
        let text = String((reason.isEmpty ? lockReason : "\(lockReason): \(reason)").prefix(Self.maxLockReasonLength))
        let result = await serverActions.perform(.lock, serverID: serverID, lockReason: text)
        record(
            result, into: &collector,
            change: AppliedChange(
                kind: ChangeKind.serverLock.rawValue, resource: serverID, before: ChangeKind.text(locked: false),
                after: ChangeKind.text(locked: true), method: "lock with reason \"\(text)\""))
        return collector.result()
    }

    /// Undoes a status change: `PAUSED` by unpause, `SUSPENDED` by resume. The server must still
    /// be in the status the response set; any other status is a conflict for an operator.
    func restoreStatus(_ change: AppliedChange, into collector: inout ResultCollector) async {
        let undo: NovaServerActions.Action
        switch change.after {
        case "PAUSED": undo = .unpause
        case "SUSPENDED": undo = .resume
        default:
            collector.failed("cannot release server \(change.resource) from status \(change.after)")
            return
        }
        do {
            let current = try await serverActions.nova.server(change.resource)["status"]?.stringValue ?? "unknown"
            if current == change.before {
                collector.notes.append("server \(change.resource) is already \(current)")
                return
            }
            guard current == change.after else {
                collector.failed(
                    "conflict on server \(change.resource): status is \(current), expected \(change.after) "
                        + "before restoring \(change.before); left for an operator")
                return
            }
        } catch {
            collector.failed(
                "reading server \(change.resource) failed: \(error)", transient: ActionResult.isTransient(error))
            return
        }
        let result = await serverActions.perform(undo, serverID: change.resource)
        record(result, into: &collector, change: reversed(change, method: undo.rawValue))
    }

    func restoreLock(_ change: AppliedChange, into collector: inout ResultCollector) async {
        let result = await serverActions.perform(.unlock, serverID: change.resource)
        record(result, into: &collector, change: reversed(change, method: "unlock"))
    }

    private func reversed(_ change: AppliedChange, method: String) -> AppliedChange {
        AppliedChange(
            kind: change.kind, resource: change.resource, before: change.after, after: change.before, method: method)
    }

    private func record(_ result: ActionResult, into collector: inout ResultCollector, change: AppliedChange) {
        switch result.outcome {
        case .done:
            collector.changes.append(change)
        case .alreadyInState:
            collector.notes.append("server \(change.resource) is already \(change.after)")
        case .failed(let reason):
            collector.failed(
                "\(result.action) of server \(change.resource) failed: \(reason)", transient: result.transient)
        }
    }
}
