extension SimulatedCloud {
    /// Builds a small cloud for the demo: three projects, six VMs on three networks, and on each network
    /// a router interface and a DHCP port. In project `web`, VM `web-2` also listens on the
    /// shared address 10.10.1.100 (an allowed address pair), and `fw-1` in `ops` is a firewall
    /// VM with port security off, the kind a quarantine must set down instead.
    public static func demo() -> SimulatedCloud {
        let cloud = SimulatedCloud()
        let layout: [(project: String, network: String, cidr: String)] = [
            ("web", "web-net", "10.10.1.0/24"), ("data", "data-net", "10.20.1.0/24"),
            ("ops", "ops-net", "10.30.1.0/24"),
        ]
        for entry in layout {
            cloud.addProject(name: entry.project)
            cloud.addNetwork(name: entry.network, project: entry.project, cidr: entry.cidr)
            let prefix = String(entry.cidr.dropLast(4))
            cloud.addInfrastructurePort(
                owner: "network:router_interface", network: entry.network, address: prefix + "1",
                deviceID: "router-\(entry.project)")
            cloud.addInfrastructurePort(
                owner: "network:dhcp", network: entry.network, address: prefix + "2", deviceID: "dhcp-\(entry.project)")
        }

        cloud.addServer(name: "web-1", project: "web", network: "web-net", address: "10.10.1.11")
        let web2 = cloud.addServer(name: "web-2", project: "web", network: "web-net", address: "10.10.1.12")
        cloud.addServer(name: "db-1", project: "data", network: "data-net", address: "10.20.1.11")
        cloud.addServer(name: "db-2", project: "data", network: "data-net", address: "10.20.1.12")
        cloud.addServer(name: "bastion", project: "ops", network: "ops-net", address: "10.30.1.11")
        cloud.addServer(name: "fw-1", project: "ops", network: "ops-net", address: "10.30.1.12", portSecurity: false)

        cloud.mutate {
            if let portID = cloud.portTable.values.first(where: { $0.deviceID == web2 })?.id {
                cloud.portTable[portID]?.allowedAddresses = ["10.10.1.100"]
            }
        }
        return cloud
    }
}
