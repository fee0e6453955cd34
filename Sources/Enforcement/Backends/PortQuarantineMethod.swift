/// The way a quarantine isolates one port of a VM. Every backend chooses by the same rules, so
/// the simulated cloud behaves as Neutron does.
public enum PortQuarantineMethod: Hashable, Sendable {
    /// The port belongs to the network itself (router, DHCP, metadata) and is never changed.
    case skip(reason: String)
    /// The port's security groups are replaced by the project's quarantine group.
    case securityGroup
    /// The port cannot take a security group, so it is set administratively down instead.
    case adminDown(reason: String)

    /// Chooses the method for `port`. Neutron rejects a security group with HTTP 400
    /// `PortSecurityAndIPRequiredForSecurityGroups` on a port with port security off or without
    /// an IP address, so such ports go down instead. Port security is never turned on.
    public static func choose(for port: PortFacts) -> PortQuarantineMethod {
        if port.isInfrastructure {
            return .skip(reason: "\(port.id) is an infrastructure port (\(port.deviceOwner)); it is never changed")
        }
        if !port.portSecurityEnabled {
            return .adminDown(reason: "port security is off")
        }
        if port.fixedIPs.isEmpty {
            return .adminDown(reason: "the port has no IP address")
        }
        return .securityGroup
    }

    /// Returns the `AppliedChange.method` text of an admin-down fallback.
    public static func adminDownMethod(because reason: String) -> String {
        "admin_state_up=false because \(reason)"
    }

    /// Returns the `AppliedChange.method` text of a group replacement.
    public static func groupMethod(groupID: String) -> String {
        "security_groups=[\(groupID)]"
    }
}

/// The Neutron error type that a security group update gets on a port that cannot take groups.
public let portSecurityRequiredError = "PortSecurityAndIPRequiredForSecurityGroups"
