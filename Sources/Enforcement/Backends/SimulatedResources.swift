/// The resources of the simulated cloud, with the fields that Nova and Neutron publish.
public struct SimulatedServer: Hashable, Sendable {
    public var id: String
    public var name: String
    public var projectID: String
    /// Nova's status: `ACTIVE`, `PAUSED`, `SUSPENDED`, `SHUTOFF`.
    public var status = "ACTIVE"
    public var locked = false
    public var lockedReason: String?

    /// Nova's `OS-EXT-STS:vm_state` for the status.
    public var vmState: String {
        switch status {
        case "SHUTOFF": return "stopped"
        default: return status.lowercased()
        }
    }
}

public struct SimulatedNetwork: Hashable, Sendable {
    public var id: String
    public var name: String
    public var projectID: String
}

public struct SimulatedSubnet: Hashable, Sendable {
    public var id: String
    public var networkID: String
    public var projectID: String
    public var cidr: String
    public var ipVersion: Int
}

public struct SimulatedPort: Hashable, Sendable {
    public struct FixedIP: Hashable, Sendable {
        public var subnetID: String
        public var address: String
    }

    public var id: String
    public var name = ""
    public var networkID: String
    public var projectID: String
    public var deviceID: String
    public var deviceOwner: String
    public var macAddress: String
    public var fixedIPs: [FixedIP]
    /// Addresses of `allowed_address_pairs`; each pair uses the port's own MAC address.
    public var allowedAddresses: [String] = []
    public var portSecurityEnabled = true
    public var adminStateUp = true
    public var securityGroups: [String] = []
    /// Neutron's `revision_number`, raised by every update.
    public var revision = 1

    /// The port as the guard and the quarantine method see it.
    public var facts: PortFacts {
        PortFacts(
            id: id, networkID: networkID, projectID: projectID, deviceID: deviceID, deviceOwner: deviceOwner,
            macAddress: macAddress, fixedIPs: fixedIPs.map(\.address), allowedAddresses: allowedAddresses,
            portSecurityEnabled: portSecurityEnabled, adminStateUp: adminStateUp, securityGroups: securityGroups)
    }
}

public struct SimulatedSecurityGroup: Hashable, Sendable {
    public var id: String
    public var name: String
    public var projectID: String
    public var description = ""
    /// Whether the group has Neutron's two default egress rules; the quarantine group has none.
    public var hasEgressRules = true
}
