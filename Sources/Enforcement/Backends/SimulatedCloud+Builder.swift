import Foundation
import OpenStack

extension SimulatedCloud {
    /// Adds a project and its `default` security group; returns the existing id when the name is taken.
    @discardableResult
    public func addProject(name: String) -> String {
        mutate { findOrAddProject(named: name) }
    }

    /// Adds a network with one subnet; returns the existing id when the name is taken.
    @discardableResult
    public func addNetwork(name: String, project: String, cidr: String) -> String {
        mutate { findOrAddNetwork(named: name, projectID: findOrAddProject(named: project), cidr: cidr) }
    }

    /// Adds an ACTIVE server and returns its id. With `network` and `address` it gets a
    /// `compute:nova` port on that network with that fixed IP in the project's `default` group.
    /// A missing project or network is created, a network with the /24 of an IPv4 address.
    @discardableResult
    public func addServer(
        name: String, project: String, network: String? = nil, address: String? = nil, portSecurity: Bool = true,
        id: String? = nil
    ) -> String {
        mutate {
            let projectID = findOrAddProject(named: project)
            let serverID = id ?? nextID(1)
            serverTable[serverID] = SimulatedServer(id: serverID, name: name, projectID: projectID)
            if let network {
                _ = addPortLocked(
                    device: serverID, owner: "compute:nova", network: network, projectID: projectID, address: address,
                    portSecurity: portSecurity)
            }
            return serverID
        }
    }

    /// Adds another port to a server; `address` nil gives a port without IP. Returns the port's id.
    @discardableResult
    public func addPort(server serverID: String, network: String, address: String?, portSecurity: Bool = true)
        throws -> String
    {
        try mutate {
            guard let server = serverTable[serverID] else {
                throw SimulatedCloudError.notFound(kind: "server", id: serverID)
            }
            return addPortLocked(
                device: serverID, owner: "compute:nova", network: network, projectID: server.projectID,
                address: address, portSecurity: portSecurity)
        }
    }

    /// Adds a port that Neutron owns, such as `network:router_interface` or `network:dhcp`.
    @discardableResult
    public func addInfrastructurePort(owner: String, network: String, address: String, deviceID: String) -> String {
        mutate {
            let projectID = networkTable.values.first { $0.name == network }?.projectID ?? ""
            return addPortLocked(
                device: deviceID, owner: owner, network: network, projectID: projectID, address: address,
                portSecurity: false)
        }
    }

    /// Adds a port from a Neutron port object, keeping its ids, as a fixture taken from a real
    /// cloud. Its network, subnets, groups and project are created by id when missing.
    public func addPort(neutron object: JSON) {
        let facts = PortFacts(neutron: object)
        mutate {
            projectNames[facts.projectID] = projectNames[facts.projectID] ?? facts.projectID
            if networkTable[facts.networkID] == nil {
                networkTable[facts.networkID] = SimulatedNetwork(
                    id: facts.networkID, name: facts.networkID, projectID: facts.projectID)
            }
            var fixed: [SimulatedPort.FixedIP] = []
            for entry in object["fixed_ips"]?.arrayValue ?? [] {
                let subnetID = entry["subnet_id"]?.stringValue ?? ""
                let address = entry["ip_address"]?.stringValue ?? ""
                fixed.append(SimulatedPort.FixedIP(subnetID: subnetID, address: address))
                if subnetTable[subnetID] == nil {
                    let isIPv6 = IPAddressText.canonical(address)?.isIPv6 ?? false
                    subnetTable[subnetID] = SimulatedSubnet(
                        id: subnetID, networkID: facts.networkID, projectID: facts.projectID,
                        cidr: address + (isIPv6 ? "/128" : "/32"), ipVersion: isIPv6 ? 6 : 4)
                }
            }
            var port = SimulatedPort(
                id: facts.id, networkID: facts.networkID, projectID: facts.projectID, deviceID: facts.deviceID,
                deviceOwner: facts.deviceOwner, macAddress: facts.macAddress, fixedIPs: fixed)
            port.name = object["name"]?.stringValue ?? ""
            port.allowedAddresses = facts.allowedAddresses
            port.portSecurityEnabled = facts.portSecurityEnabled
            port.adminStateUp = facts.adminStateUp
            port.securityGroups = facts.securityGroups
            port.revision = Int(object["revision_number"]?.intValue ?? 1)
            for groupID in port.securityGroups where groupTable[groupID] == nil {
                groupTable[groupID] = SimulatedSecurityGroup(id: groupID, name: groupID, projectID: facts.projectID)
            }
            portTable[port.id] = port
        }
    }

    // MARK: - Steps under the lock

    func findOrAddProject(named name: String) -> String {
        if let id = projectNames.first(where: { $0.value == name })?.key { return id }
        let id = nextID(2)
        projectNames[id] = name
        let groupID = nextID(3)
        groupTable[groupID] = SimulatedSecurityGroup(
            id: groupID, name: "default", projectID: id, description: "Default security group")
        return id
    }

    func findOrAddNetwork(named name: String, projectID: String, cidr: String) -> String {
        if let id = networkTable.values.first(where: { $0.name == name })?.id { return id }
        let id = nextID(4)
        networkTable[id] = SimulatedNetwork(id: id, name: name, projectID: projectID)
        let subnetID = nextID(5)
        subnetTable[subnetID] = SimulatedSubnet(
            id: subnetID, networkID: id, projectID: projectID, cidr: cidr, ipVersion: cidr.contains(":") ? 6 : 4)
        return id
    }

    private func addPortLocked(
        device: String, owner: String, network name: String, projectID: String, address: String?, portSecurity: Bool
    ) -> String {
        let networkID = findOrAddNetwork(named: name, projectID: projectID, cidr: Self.subnetGuess(for: address))
        let subnetID = subnetTable.values.first { $0.networkID == networkID }?.id ?? ""
        var port = SimulatedPort(
            id: nextID(6), networkID: networkID, projectID: projectID, deviceID: device, deviceOwner: owner,
            macAddress: nextMAC(),
            fixedIPs: address.map { [SimulatedPort.FixedIP(subnetID: subnetID, address: $0)] } ?? [])
        port.portSecurityEnabled = portSecurity
        if portSecurity && address != nil && owner.hasPrefix("compute:") {
            port.securityGroups = groupTable.values.filter { $0.projectID == projectID && $0.name == "default" }.map(
                \.id)
        }
        portTable[port.id] = port
        return port.id
    }

    /// Returns the /24 of an IPv4 address, or the address as a /128 for anything else.
    static func subnetGuess(for address: String?) -> String {
        guard let address else { return "0.0.0.0/0" }
        let parts = address.split(separator: ".")
        guard parts.count == 4 else { return address + "/128" }
        return parts.prefix(3).joined(separator: ".") + ".0/24"
    }
}
