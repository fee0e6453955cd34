extension Enforcer {
    /// Names the VM behind a `block` of an address when the inventory pins the address on one
    /// VM's port as a fixed IP. The block and a quarantine of that VM then count as one target
    /// against the blast-radius caps. The protected list of VMs and projects applies to the block,
    /// and the VM's incident links it, so releasing the incident also lifts the block. Addresses
    /// that no VM owns, or that several share, stay address-only.
    func attributeBlock(_ intent: inout ActionIntent, inventory: any Inventory) {
        guard intent.response == .block, intent.target.vmID == nil, let address = intent.target.address else { return }
        guard case .fixedIP(let port) = SourceAttribution.attribute(address: address, mac: nil, inventory: inventory),
            !port.isInfrastructure, !port.deviceID.isEmpty
        else { return }
        intent.target.vmID = port.deviceID
        intent.target.projectID = port.projectID
    }
}
