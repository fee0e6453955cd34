extension NeutronPortActions {
    /// Sets `admin_state_up`, which stops all traffic of the port when false.
    public func setAdminState(portID: String, up: Bool) async -> ActionResult {
        let action = up ? "enable_port" : "disable_port"
        do {
            let port = try await neutron.showPort(portID)
            if PortFacts(port).deviceOwner.hasPrefix("network:") {
                return ActionResult(
                    action: action, target: portID,
                    outcome: .failed(
                        reason:
                            "\(portID) is an infrastructure port (\(PortFacts(port).deviceOwner)); it is never changed")
                )
            }
            if PortFacts(port).adminStateUp == up {
                return ActionResult(action: action, target: portID, outcome: .alreadyInState)
            }
            try await neutron.updatePort(
                portID, fields: ["admin_state_up": .bool(up)], ifMatchRevision: PortFacts(port).revision)
            let after = PortFacts(try await neutron.showPort(portID)).adminStateUp
            guard after == up else {
                return ActionResult(
                    action: action, target: portID,
                    outcome: .failed(reason: "admin_state_up is still \(String(describing: after))"))
            }
            return ActionResult(action: action, target: portID, outcome: .done, detail: "admin_state_up=\(up)")
        } catch {
            return .failure(action, portID, error)
        }
    }

    /// Adds one security group to a port's groups, keeping the others.
    public func attachGroup(portID: String, groupID: String) async -> ActionResult {
        await changeGroups(portID: portID, action: "attach_security_group", groupID: groupID, attach: true)
    }

    /// Removes one security group from a port's groups, keeping the others.
    public func detachGroup(portID: String, groupID: String) async -> ActionResult {
        await changeGroups(portID: portID, action: "detach_security_group", groupID: groupID, attach: false)
    }

    private func changeGroups(portID: String, action: String, groupID: String, attach: Bool) async -> ActionResult {
        do {
            let port = try await neutron.showPort(portID)
            if PortFacts(port).deviceOwner.hasPrefix("network:") {
                return ActionResult(
                    action: action, target: portID,
                    outcome: .failed(reason: "\(portID) is an infrastructure port; it is never changed"))
            }
            let current = PortFacts(port).securityGroups
            if current.contains(groupID) == attach {
                return ActionResult(action: action, target: portID, outcome: .alreadyInState)
            }
            if attach, let obstacle = PortFacts(port).securityGroupObstacle {
                return ActionResult(
                    action: action, target: portID, outcome: .failed(reason: "cannot add a security group: \(obstacle)")
                )
            }

            // The precondition makes Neutron reject this list if another writer changed the
            // port since it was read, instead of silently dropping that writer's change.
            let wanted = attach ? current + [groupID] : current.filter { $0 != groupID }
            try await neutron.updatePort(
                portID, fields: ["security_groups": .array(wanted.map(JSON.string))],
                ifMatchRevision: PortFacts(port).revision)
            let after = PortFacts(try await neutron.showPort(portID)).securityGroups
            guard after.contains(groupID) == attach else {
                return ActionResult(
                    action: action, target: portID, outcome: .failed(reason: "groups are still \(after)"))
            }
            return ActionResult(action: action, target: portID, outcome: .done, detail: "groups \(current) -> \(after)")
        } catch {
            return .failure(action, portID, error)
        }
    }
}

extension NeutronPortActions {
    /// Quarantines every port of a device (a server), each by the method its port allows.
    /// The device counts as isolated only when every result succeeded.
    public func quarantineDevice(deviceID: String) async -> (isolated: Bool, results: [ActionResult]) {
        let ports: [JSON]
        do {
            ports = try await neutron.list("ports", query: [("device_id", deviceID)])
        } catch {
            return (false, [.failure("quarantine_device", deviceID, error)])
        }
        guard !ports.isEmpty else {
            let result = ActionResult(
                action: "quarantine_device", target: deviceID,
                outcome: .failed(reason: "no ports with device_id \(deviceID)"))
            return (false, [result])
        }

        var results: [ActionResult] = []
        for port in ports {
            guard let id = port["id"]?.stringValue else { continue }
            results.append(await quarantine(portID: id))
        }
        return (results.allSatisfy(\.succeeded), results)
    }
}
