extension SimulatedBackend {
    /// Quarantines (`byGroup`) or sets down one port, by the same rules as the OpenStack backend.
    func isolate(_ port: SimulatedPort, byGroup: Bool, into collector: inout ResultCollector) async {
        switch PortQuarantineMethod.choose(for: port.facts) {
        case .skip(let reason):
            collector.notes.append(reason)
        case .adminDown(let reason):
            let method = byGroup ? PortQuarantineMethod.adminDownMethod(because: reason) : "admin_state_up=false"
            await setAdminState(port, up: false, method: method, into: &collector)
        case .securityGroup where !byGroup:
            await setAdminState(port, up: false, method: "admin_state_up=false", into: &collector)
        case .securityGroup:
            let groupID = cloud.ensureQuarantineGroup(projectID: port.projectID, name: quarantineGroupName)
            await setGroups(port, to: [groupID], into: &collector)
        }
    }

    func setGroups(_ port: SimulatedPort, to groupIDs: [String], into collector: inout ResultCollector) async {
        if port.securityGroups == groupIDs {
            collector.notes.append("port \(port.id) already has groups \(groupIDs)")
            return
        }
        do {
            try await enter("set_security_groups", port.id)
            try cloud.setSecurityGroups(portID: port.id, to: groupIDs, ifRevision: port.revision)
        } catch SimulatedCloudError.portSecurityRequired {
            // Not repeated: the same request would be rejected again, so the port goes down instead.
            let reason = "Neutron rejected the group with \(portSecurityRequiredError)"
            await setAdminState(
                port, up: false, method: PortQuarantineMethod.adminDownMethod(because: reason), into: &collector)
            return
        } catch {
            collector.failed("quarantine of port \(port.id) failed: \(error)", transient: Self.isTransient(error))
            return
        }
        guard let after = cloud.port(port.id)?.securityGroups, after == groupIDs else {
            collector.failed("quarantine not applied on \(port.id)")
            return
        }
        collector.changes.append(
            AppliedChange(
                kind: ChangeKind.portSecurityGroups.rawValue, resource: port.id,
                before: ChangeKind.text(groups: port.securityGroups), after: ChangeKind.text(groups: groupIDs),
                method: PortQuarantineMethod.groupMethod(groupID: ChangeKind.text(groups: groupIDs))))
    }

    func setAdminState(_ port: SimulatedPort, up: Bool, method: String, into collector: inout ResultCollector) async {
        let current = cloud.port(port.id) ?? port
        if current.adminStateUp == up {
            collector.notes.append("port \(port.id) is already \(ChangeKind.text(adminStateUp: up))")
            return
        }
        do {
            try await enter("set_admin_state", port.id)
            try cloud.setAdminState(portID: port.id, up: up, ifRevision: current.revision)
        } catch {
            collector.failed(
                "setting port \(port.id) \(ChangeKind.text(adminStateUp: up)) failed: \(error)",
                transient: Self.isTransient(error))
            return
        }
        guard cloud.port(port.id)?.adminStateUp == up else {
            collector.failed("admin_state_up of port \(port.id) did not change")
            return
        }
        collector.changes.append(
            AppliedChange(
                kind: ChangeKind.portAdminState.rawValue, resource: port.id,
                before: ChangeKind.text(adminStateUp: !up), after: ChangeKind.text(adminStateUp: up), method: method))
    }

    /// Carries out a server action unless the server is already in its state, and records `recording`.
    func change(
        _ action: SimulatedCloud.ServerAction, serverID: String, reason: String?, into collector: inout ResultCollector,
        recording: AppliedChange
    ) async {
        if state(of: recording) == recording.after {
            collector.notes.append("server \(serverID) is already \(recording.after)")
            return
        }
        do {
            try await enter(action.rawValue, serverID)
            try cloud.perform(action, serverID: serverID, lockReason: reason)
        } catch {
            collector.failed(
                "\(action.rawValue) of server \(serverID) failed: \(error)", transient: Self.isTransient(error))
            return
        }
        guard state(of: recording) == recording.after else {
            collector.failed("\(action.rawValue) of server \(serverID) did not take effect")
            return
        }
        collector.changes.append(recording)
    }
}
