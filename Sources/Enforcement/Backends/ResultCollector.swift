/// Gathers the per-resource outcomes of one apply, verify or release into a `BackendResult`.
struct ResultCollector {
    var changes: [AppliedChange] = []
    /// Resources that needed nothing, with the reason.
    var notes: [String] = []
    var failures: [String] = []
    var transient = false

    mutating func failed(_ message: String, transient isTransient: Bool = false) {
        failures.append(message)
        if isTransient { transient = true }
    }

    /// `done` when something changed and nothing failed, `already_in_state` when nothing needed
    /// changing, `partial` when some changes were made and others failed, `failed` otherwise.
    func result() -> BackendResult {
        let detail = (failures + changes.map(Self.describe) + notes).joined(separator: "; ")
        if failures.isEmpty {
            return BackendResult(status: changes.isEmpty ? .alreadyInState : .done, changes: changes, detail: detail)
        }
        let status: BackendResult.Status = changes.isEmpty ? .failed : .partial
        return BackendResult(status: status, changes: changes, detail: detail, transient: transient)
    }

    static func describe(_ change: AppliedChange) -> String {
        let method = change.method.isEmpty ? "" : " (\(change.method))"
        return "\(change.kind) \(change.resource): \(change.before) -> \(change.after)\(method)"
    }
}
