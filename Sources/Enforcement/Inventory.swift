/// What the guard knows of the cloud when it decides: servers and ports as the data sources
/// last read them. The service builds it from the Nova and Neutron tables.
public protocol Inventory: Sendable {
    func server(_ id: String) -> ServerFacts?
    func ports(ofServer id: String) -> [PortFacts]
    /// Every port whose fixed IPs or allowed address pairs include `address`.
    func ports(withAddress address: String) -> [PortFacts]
    /// How many servers the cloud has, for percentage caps.
    var serverCount: Int { get }
    /// Seconds since the data sources last refreshed the inventory successfully; nil when never.
    var ageSeconds: Double? { get }
    /// Ports with port security off on a network that serves `address`: any of them could have
    /// sent a packet from that address. Used to word reports about unattributable sources.
    func spoofCapablePorts(near address: String) -> [PortFacts]
}

public struct ServerFacts: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var projectID: String
    public var status: String

    public init(id: String, name: String, projectID: String, status: String) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.status = status
    }
}

public struct PortFacts: Hashable, Sendable, Codable {
    public var id: String
    public var networkID: String
    public var projectID: String
    public var deviceID: String
    /// Neutron's `device_owner`: `compute:nova` for VMs, `network:dhcp`, `network:router_interface`, ...
    public var deviceOwner: String
    public var macAddress: String
    public var fixedIPs: [String]
    /// Addresses from `allowed_address_pairs` (shared VIPs).
    public var allowedAddresses: [String]
    public var portSecurityEnabled: Bool
    public var adminStateUp: Bool
    public var securityGroups: [String]

    public init(
        id: String, networkID: String, projectID: String, deviceID: String, deviceOwner: String,
        macAddress: String, fixedIPs: [String], allowedAddresses: [String], portSecurityEnabled: Bool,
        adminStateUp: Bool, securityGroups: [String]
    ) {
        self.id = id
        self.networkID = networkID
        self.projectID = projectID
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.macAddress = macAddress
        self.fixedIPs = fixedIPs
        self.allowedAddresses = allowedAddresses
        self.portSecurityEnabled = portSecurityEnabled
        self.adminStateUp = adminStateUp
        self.securityGroups = securityGroups
    }

    /// Ports that Neutron owns for the network itself (routers, DHCP, metadata, floating IPs).
    public var isInfrastructure: Bool { deviceOwner.hasPrefix("network:") }
}

extension Inventory {
    /// Returns no ports, for inventories that do not know which subnets serve an address.
    public func spoofCapablePorts(near address: String) -> [PortFacts] { [] }
}
