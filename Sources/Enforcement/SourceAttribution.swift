import Datalog

/// Which port sent from an address, as far as the inventory can tell. The guard acts on a VM
/// only when the flagged source address is pinned on that VM, because an address that several
/// ports may use, or that no port owns, can be forged to get someone else quarantined.
public enum SourceAttribution: Equatable, Sendable {
    /// One VM's port has the address as a fixed IP, and no other VM's port lists it.
    case fixedIP(PortFacts)
    /// The evidence's source MAC is the MAC of this port, which lists the address.
    case mac(PortFacts)
    /// Ports of more than one VM list the address (a shared VIP, or a fixed IP also listed as
    /// an allowed address pair elsewhere).
    case ambiguous([PortFacts])
    /// Only an allowed address pair of one VM lists the address, no fixed IP.
    case allowedPairOnly(PortFacts)
    /// The source MAC is not the MAC of any port that lists the address.
    case macMismatch(mac: String, ports: [PortFacts])
    /// No port lists the address.
    case unowned

    /// Attributes `address`, seen with source `mac` when the sensor recorded one.
    public static func attribute(address: String, mac: String?, inventory: any Inventory) -> SourceAttribution {
        let ports = inventory.ports(withAddress: address)
        if ports.isEmpty { return .unowned }

        if let mac {
            let wanted = mac.lowercased()
            guard let port = ports.first(where: { $0.macAddress.lowercased() == wanted }) else {
                return .macMismatch(mac: wanted, ports: ports)
            }
            return .mac(port)
        }

        let devices = Set(ports.map(\.deviceID))
        if devices.count > 1 { return .ambiguous(ports) }
        let parsed = IPAddress(address)
        let owners = ports.filter { port in
            port.fixedIPs.contains { fixed in fixed == address || (parsed != nil && IPAddress(fixed) == parsed) }
        }
        if let owner = owners.first { return .fixedIP(owner) }
        return .allowedPairOnly(ports[0])
    }

    /// The port the address is pinned on, when it is pinned on exactly one.
    public var port: PortFacts? {
        switch self {
        case .fixedIP(let port), .mac(let port): return port
        default: return nil
        }
    }

    /// A sentence that explains why the address is not pinned on one VM; nil when it is.
    public func doubt(address: String, inventory: any Inventory) -> (ReasonCode, String)? {
        switch self {
        case .fixedIP, .mac:
            return nil
        case .ambiguous(let ports):
            let listed = ports.map(Self.name).joined(separator: " and ")
            return (.sourceAmbiguous, "source may be spoofed: \(address) is listed by ports \(listed)")
        case .allowedPairOnly(let port):
            return (
                .sourceSharedAddress,
                "source may be spoofed: \(address) is only an allowed address pair of port \(Self.name(port)), "
                    + "not a fixed IP"
            )
        case .macMismatch(let mac, let ports):
            let listed = ports.map(Self.name).joined(separator: " and ")
            return (
                .sourceOtherVM,
                "source may be spoofed: MAC \(mac) belongs to none of the ports that list \(address) (\(listed))"
            )
        case .unowned:
            let suspects = inventory.spoofCapablePorts(near: address)
            var message = "source may be spoofed: no port owns \(address)"
            if !suspects.isEmpty {
                let listed = suspects.map(Self.name).joined(separator: " and ")
                message += "; port security is off on \(listed), which could have sent it"
            }
            return (.sourceUnowned, message)
        }
    }

    static func name(_ port: PortFacts) -> String {
        port.deviceID.isEmpty ? port.id : "\(port.id) (\(port.deviceID))"
    }
}
