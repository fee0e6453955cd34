import Datalog

extension Guard {
    /// Networks that belong to the host or the cloud itself: link-local (with the metadata
    /// service at 169.254.169.254 and its IPv6 form in fe80::/10) and loopback.
    static let infrastructureNetworks: [IPNetwork] = ["169.254.0.0/16", "127.0.0.0/8", "::1/128", "fe80::/10"]
        .compactMap { IPNetwork($0) }

    /// The objection when the intent touches a protected resource; nil when it touches none.
    func protection(of intent: ActionIntent, response: ResponseKind, inventory: any Inventory) -> GuardDecision? {
        let protected = settings.protected
        var addresses: [String] = []
        if let address = intent.target.address { addresses.append(address) }

        if let vmID = intent.target.vmID {
            if protected.vmIDs.contains(vmID) {
                return GuardDecision(.hold, .protectedVM, "vm \(vmID) is on the protected list")
            }
            if let server = inventory.server(vmID), protected.projectIDs.contains(server.projectID) {
                return GuardDecision(
                    .hold, .protectedProject, "project \(server.projectID) of vm \(vmID) is on the protected list")
            }
            for port in inventory.ports(ofServer: vmID) {
                if let objection = portObjection(port) { return objection }
                addresses += port.fixedIPs
            }
        }

        if let address = intent.target.address {
            for port in inventory.ports(withAddress: address) {
                if let objection = portObjection(port) { return objection }
            }
        }

        for address in addresses {
            if let objection = addressObjection(address) { return objection }
        }
        return nil
    }

    private func portObjection(_ port: PortFacts) -> GuardDecision? {
        if port.isInfrastructure {
            return GuardDecision(
                .hold, .infrastructurePort,
                "port \(port.id) is owned by \(port.deviceOwner), which is cloud infrastructure")
        }
        if settings.protected.networkIDs.contains(port.networkID) {
            return GuardDecision(
                .hold, .protectedNetwork, "network \(port.networkID) of port \(port.id) is on the protected list")
        }
        return nil
    }

    private func addressObjection(_ text: String) -> GuardDecision? {
        guard let address = IPAddress(text) else { return nil }
        if let network = Self.infrastructureNetworks.first(where: { $0.contains(address) }) {
            return GuardDecision(
                .hold, .infrastructureAddress, "address \(address) lies in \(network), which is never acted on")
        }
        for entry in settings.protected.networks {
            guard let network = IPNetwork(entry), network.contains(address) else { continue }
            return GuardDecision(
                .hold, .protectedAddress, "address \(address) lies in \(network), which is on the protected list")
        }
        return nil
    }

    /// The objection when the intent's source address is not pinned on its VM; nil when it is.
    func sourceObjection(_ intent: ActionIntent, inventory: any Inventory, evidence: [Evidence]) -> GuardDecision? {
        let vmID = intent.target.vmID ?? ""
        guard let address = intent.target.address else {
            return GuardDecision(
                .refuse, .sourceMissing, "the rule gave no source address to attribute to vm \(vmID)")
        }

        let macs = Set(evidence.filter { $0.sourceAddress == address }.compactMap { $0.sourceMAC?.lowercased() })
        if macs.count > 1 {
            let listed = macs.sorted().joined(separator: ", ")
            return GuardDecision(
                .refuse, .sourceAmbiguous, "source may be spoofed: \(address) was seen from several MACs (\(listed))")
        }

        let attribution = SourceAttribution.attribute(address: address, mac: macs.first, inventory: inventory)
        if let (code, message) = attribution.doubt(address: address, inventory: inventory) {
            return GuardDecision(.refuse, code, message)
        }
        guard let port = attribution.port else { return nil }
        if port.deviceID != vmID {
            return GuardDecision(
                .refuse, .sourceOtherVM,
                "\(address) is pinned on port \(SourceAttribution.name(port)), not on vm \(vmID)")
        }
        if settings.requirePortSecurity && !port.portSecurityEnabled {
            return GuardDecision(
                .refuse, .sourcePortSecurityOff,
                "source may be spoofed: port \(port.id) of vm \(vmID) has port security off, so \(address) is "
                    + "not bound to it")
        }
        return nil
    }
}
