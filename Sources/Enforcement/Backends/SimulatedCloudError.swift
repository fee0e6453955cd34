/// Errors of the simulated cloud, matching the refusals of Nova and Neutron that the backends handle.
public enum SimulatedCloudError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No resource of that kind (`server`, `port`, `security group`) has the id (Nova and Neutron: 404).
    case notFound(kind: String, id: String)
    /// A security group on a port with port security off or without an IP address (Neutron: 400
    /// `PortSecurityAndIPRequiredForSecurityGroups`).
    case portSecurityRequired(portID: String)
    /// The port changed since it was read (Neutron: 412 on an `If-Match` precondition).
    case revisionMismatch(portID: String, expected: Int, actual: Int)
    /// The server's state does not allow the action (Nova: 409).
    case conflict(serverID: String, action: String, status: String)
    /// A failure that a test injected. `transient` is true when it stands for a timeout or a 5xx.
    case injected(operation: String, resource: String, reason: String, transient: Bool)

    public var description: String {
        switch self {
        case .notFound(let kind, let id):
            return "\(kind) \(id) not found in the simulated cloud; add it with the builder first"
        case .portSecurityRequired(let portID):
            return "\(portSecurityRequiredError): port \(portID) needs port security and an IP address "
                + "to take security groups"
        case .revisionMismatch(let portID, let expected, let actual):
            return "port \(portID) is at revision \(actual), not \(expected); read it again and retry"
        case .conflict(let serverID, let action, let status):
            return "cannot \(action) server \(serverID) while it is \(status)"
        case .injected(let operation, let resource, let reason, _):
            return "\(operation) on \(resource) failed: \(reason)"
        }
    }

    /// Whether the same call may succeed later.
    public var isTransient: Bool {
        if case .injected(_, _, _, let transient) = self { return transient }
        return false
    }
}
