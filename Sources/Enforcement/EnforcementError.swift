/// Why an operator request or a ledger operation failed. Each case carries the value at fault.
public enum EnforcementError: Error, Equatable, CustomStringConvertible {
    /// No action with this id is in the ledger.
    case actionNotFound(id: Int64)
    /// The action is in a state that does not allow the operation (approving an executed action,
    /// releasing a held one).
    case invalidState(id: Int64, state: ActionState, operation: String)
    /// The action touches a protected resource and the approval did not carry an admin override.
    case overrideRequired(id: Int64, reason: String)
    /// No registered backend carries out this response.
    case noBackend(response: ResponseKind)
    /// A stored value could not be read back (a damaged changes column).
    case corruptRecord(id: Int64, field: String, message: String)

    public var description: String {
        switch self {
        case .actionNotFound(let id):
            return "action \(id) not found in the ledger"
        case .invalidState(let id, let state, let operation):
            return "cannot \(operation) action \(id): it is \(state.rawValue)"
        case .overrideRequired(let id, let reason):
            return "action \(id) needs an admin override to run (\(reason)); approve it again with override"
        case .noBackend(let response):
            return "no backend is registered for \(response.rawValue); configure one that supports it"
        case .corruptRecord(let id, let field, let message):
            return "action \(id) has an unreadable \(field): \(message)"
        }
    }
}
