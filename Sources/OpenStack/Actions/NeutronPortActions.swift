/// Port actions on Neutron: quarantine and release, admin state, one security group on or off.
///
/// Every update sends only the fields it changes, with the port's `revision_number` as an
/// `If-Match` precondition, and is confirmed by reading the port again: a 200 alone is not
/// taken as success. Ports owned by Neutron itself (`network:*`, such as routers and DHCP)
/// are never changed.
public struct NeutronPortActions: Sendable {
    public let neutron: NeutronClient
    public let memory: PortGroupMemory
    /// The name of the per-project quarantine group.
    public var quarantineGroupName = "agora-quarantine"

    public init(neutron: NeutronClient, memory: PortGroupMemory = InMemoryPortGroupMemory()) {
        self.neutron = neutron
        self.memory = memory
    }

    /// Replaces a port's security groups with the quarantine group, remembering the previous
    /// groups first. A port that cannot take a security group (port security off, or no IP)
    /// gets `admin_state_up=false` instead, and the result's detail names that fallback.
    public func quarantine(portID: String) async -> ActionResult {
        let action = "quarantine_port"
        do {
            let port = try await neutron.showPort(portID)
            if let refusal = refuseInfrastructure(port, action: action, portID: portID) { return refusal }
            if let reason = PortFacts(port).securityGroupObstacle {
                return await fallBackToAdminDown(portID: portID, because: reason)
            }

            let projectID = PortFacts(port).projectID ?? ""
            let groupID = try await QuarantineGroup(neutron: neutron, name: quarantineGroupName).ensure(
                projectID: projectID)
            let current = PortFacts(port).securityGroups
            if current == [groupID] {
                return ActionResult(action: action, target: portID, outcome: .alreadyInState, detail: "in \(groupID)")
            }
            if try await memory.load(portID: portID) == nil {
                try await memory.save(portID: portID, groups: current)
            }

            do {
                try await neutron.updatePort(
                    portID, fields: ["security_groups": [.string(groupID)]],
                    ifMatchRevision: PortFacts(port).revision)
            } catch OpenStackError.http(let failure)
                where failure.status == 400 && failure.errorType == "PortSecurityAndIPRequiredForSecurityGroups"
            {
                // Not transient: the same request would fail again, so it is not repeated.
                return await fallBackToAdminDown(
                    portID: portID, because: "Neutron rejected the group: \(failure.errorType!)")
            }

            let after = PortFacts(try await neutron.showPort(portID)).securityGroups
            guard after == [groupID] else {
                return ActionResult(
                    action: action, target: portID,
                    outcome: .failed(reason: "quarantine not applied on \(portID): groups are \(after)"))
            }
            return ActionResult(
                action: action, target: portID, outcome: .done, detail: "security groups \(current) -> [\(groupID)]")
        } catch {
            return .failure(action, portID, error)
        }
    }

    /// Puts back the groups a quarantine replaced. When someone changed the port's groups in
    /// the meantime, nothing is written and the result lists both sets for an operator.
    public func release(portID: String) async -> ActionResult {
        let action = "release_port"
        do {
            guard let previous = try await memory.load(portID: portID) else {
                return ActionResult(
                    action: action, target: portID,
                    outcome: .failed(reason: "no remembered security groups for \(portID); it was not quarantined here")
                )
            }
            let port = try await neutron.showPort(portID)
            let current = PortFacts(port).securityGroups
            if Set(current) == Set(previous) {
                try await memory.remove(portID: portID)
                return ActionResult(action: action, target: portID, outcome: .alreadyInState)
            }
            let groupID = try await QuarantineGroup(neutron: neutron, name: quarantineGroupName).ensure(
                projectID: PortFacts(port).projectID ?? "")
            guard current == [groupID] else {
                return ActionResult(
                    action: action, target: portID,
                    outcome: .failed(
                        reason: "conflict: \(portID) has groups \(current), expected only the quarantine group "
                            + "\(groupID); meant to restore \(previous); left for an operator"))
            }

            try await neutron.updatePort(
                portID, fields: ["security_groups": .array(previous.map(JSON.string))],
                ifMatchRevision: PortFacts(port).revision)
            let after = PortFacts(try await neutron.showPort(portID)).securityGroups
            guard Set(after) == Set(previous) else {
                return ActionResult(
                    action: action, target: portID, outcome: .failed(reason: "release not applied: groups are \(after)")
                )
            }
            try await memory.remove(portID: portID)
            return ActionResult(action: action, target: portID, outcome: .done, detail: "restored \(previous)")
        } catch {
            return .failure(action, portID, error)
        }
    }

    private func refuseInfrastructure(_ port: JSON, action: String, portID: String) -> ActionResult? {
        let owner = PortFacts(port).deviceOwner
        guard owner.hasPrefix("network:") else { return nil }
        return ActionResult(
            action: action, target: portID,
            outcome: .failed(reason: "\(portID) is an infrastructure port (\(owner)); it is never changed"))
    }

    private func fallBackToAdminDown(portID: String, because reason: String) async -> ActionResult {
        var result = await setAdminState(portID: portID, up: false)
        result.action = "quarantine_port"
        result.detail = "admin_state_up=false because \(reason)" + (result.detail.isEmpty ? "" : "; \(result.detail)")
        return result
    }
}

/// The fields of a port JSON object that actions read.
struct PortFacts {
    let port: JSON
    init(_ port: JSON) { self.port = port }

    var securityGroups: [String] { port["security_groups"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    var revision: Int64? { port["revision_number"]?.intValue }
    var projectID: String? { port["project_id"]?.stringValue ?? port["tenant_id"]?.stringValue }
    var deviceOwner: String { port["device_owner"]?.stringValue ?? "" }
    var adminStateUp: Bool? { port["admin_state_up"]?.boolValue }

    /// The reason Neutron would reject a security group on this port, or nil when it would accept one.
    var securityGroupObstacle: String? {
        if port["port_security_enabled"]?.boolValue == false { return "port security is off" }
        if (port["fixed_ips"]?.arrayValue ?? []).isEmpty { return "the port has no IP address" }
        return nil
    }
}
