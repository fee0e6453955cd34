import OpenStack

extension PortFacts {
    /// Reads a port object as Neutron's API returns it. A port without the port-security
    /// extension's field counts as port security on, which is Neutron's default.
    public init(neutron port: JSON) {
        let fixedIPs = (port["fixed_ips"]?.arrayValue ?? []).compactMap { $0["ip_address"]?.stringValue }
        let pairs = (port["allowed_address_pairs"]?.arrayValue ?? []).compactMap { $0["ip_address"]?.stringValue }
        self.init(
            id: port["id"]?.stringValue ?? "",
            networkID: port["network_id"]?.stringValue ?? "",
            projectID: port["project_id"]?.stringValue ?? port["tenant_id"]?.stringValue ?? "",
            deviceID: port["device_id"]?.stringValue ?? "",
            deviceOwner: port["device_owner"]?.stringValue ?? "",
            macAddress: port["mac_address"]?.stringValue ?? "",
            fixedIPs: fixedIPs,
            allowedAddresses: pairs,
            portSecurityEnabled: port["port_security_enabled"]?.boolValue ?? true,
            adminStateUp: port["admin_state_up"]?.boolValue ?? true,
            securityGroups: (port["security_groups"]?.arrayValue ?? []).compactMap(\.stringValue))
    }
}
