import OpenStack

extension OpenStackBackend {
    /// Isolates every port of a server, each by the method `PortQuarantineMethod` chooses.
    func quarantine(serverID: String) async -> BackendResult {
        var collector = ResultCollector()
        let ports: [JSON]
        do {
            ports = try await serverPorts(serverID)
        } catch {
            collector.failed(
                "listing the ports of \(serverID) failed: \(error)", transient: ActionResult.isTransient(error))
            return collector.result()
        }

        var groupByProject: [String: String] = [:]
        for port in ports {
            let facts = PortFacts(neutron: port)
            switch PortQuarantineMethod.choose(for: facts) {
            case .skip(let reason):
                collector.notes.append(reason)
            case .adminDown(let reason):
                await setDown(facts.id, method: PortQuarantineMethod.adminDownMethod(because: reason), into: &collector)
            case .securityGroup:
                do {
                    if groupByProject[facts.projectID] == nil {
                        let group = QuarantineGroup(neutron: neutron, name: quarantineGroupName)
                        groupByProject[facts.projectID] = try await group.ensure(projectID: facts.projectID)
                    }
                    try await replaceGroups(of: port, with: groupByProject[facts.projectID]!, into: &collector)
                } catch {
                    collector.failed(
                        "quarantine of port \(facts.id) failed: \(error)", transient: ActionResult.isTransient(error))
                }
            }
        }
        return collector.result()
    }

    /// Sets every port of a server administratively down, infrastructure ports excepted.
    func setPortsDown(serverID: String) async -> BackendResult {
        var collector = ResultCollector()
        do {
            for port in try await serverPorts(serverID) {
                let facts = PortFacts(neutron: port)
                if case .skip(let reason) = PortQuarantineMethod.choose(for: facts) {
                    collector.notes.append(reason)
                    continue
                }
                await setDown(facts.id, method: "admin_state_up=false", into: &collector)
            }
        } catch {
            collector.failed(
                "listing the ports of \(serverID) failed: \(error)", transient: ActionResult.isTransient(error))
        }
        return collector.result()
    }

    private func serverPorts(_ serverID: String) async throws -> [JSON] {
        let ports = try await neutron.list("ports", query: [("device_id", serverID)])
        guard !ports.isEmpty else {
            throw OpenStackError.invalidResponse(url: "ports?device_id=\(serverID)", reason: "the server has no ports")
        }
        return ports
    }

    /// Replaces a port's groups with `groupID`. The request body contains `security_groups` alone,
    /// under an `If-Match` on the revision read, and the port is read again before success is recorded.
    private func replaceGroups(of port: JSON, with groupID: String, into collector: inout ResultCollector)
        async throws
    {
        let facts = PortFacts(neutron: port)
        if facts.securityGroups == [groupID] {
            collector.notes.append("port \(facts.id) is already in \(groupID)")
            return
        }

        do {
            try await neutron.updatePort(
                facts.id, fields: ["security_groups": [.string(groupID)]],
                ifMatchRevision: port["revision_number"]?.intValue)
        } catch OpenStackError.http(let failure)
            where failure.status == 400 && failure.errorType == portSecurityRequiredError
        {
            // The same request would be rejected again, so it is not repeated: the port goes down instead.
            log(.warning, "Neutron rejected a security group on port \(facts.id) with \(portSecurityRequiredError)")
            let reason = "Neutron rejected the group with \(portSecurityRequiredError)"
            await setDown(facts.id, method: PortQuarantineMethod.adminDownMethod(because: reason), into: &collector)
            return
        }

        let after = PortFacts(neutron: try await neutron.showPort(facts.id)).securityGroups
        guard after == [groupID] else {
            collector.failed("quarantine not applied on \(facts.id): its groups are still \(after)")
            return
        }
        collector.changes.append(
            AppliedChange(
                kind: ChangeKind.portSecurityGroups.rawValue, resource: facts.id,
                before: ChangeKind.text(groups: facts.securityGroups), after: groupID,
                method: PortQuarantineMethod.groupMethod(groupID: groupID)))
    }

    private func setDown(_ portID: String, method: String, into collector: inout ResultCollector) async {
        let result = await portActions.setAdminState(portID: portID, up: false)
        switch result.outcome {
        case .done:
            collector.changes.append(
                AppliedChange(
                    kind: ChangeKind.portAdminState.rawValue, resource: portID, before: "up", after: "down",
                    method: method))
        case .alreadyInState:
            collector.notes.append("port \(portID) is already down")
        case .failed(let reason):
            collector.failed("setting port \(portID) down failed: \(reason)", transient: result.transient)
        }
    }

    /// Puts back the groups in `change.before`, but only while the port still has exactly the
    /// groups the quarantine set. Anything else means someone changed the port since, and the
    /// decision is left to an operator.
    func restoreGroups(_ change: AppliedChange, into collector: inout ResultCollector) async {
        let previous = ChangeKind.groups(change.before)
        do {
            let port = try await neutron.showPort(change.resource)
            let current = PortFacts(neutron: port).securityGroups
            if Set(current) == Set(previous) {
                collector.notes.append("port \(change.resource) already has its groups \(previous)")
                return
            }
            guard Set(current) == Set(ChangeKind.groups(change.after)) else {
                collector.failed(
                    "conflict on port \(change.resource): found groups \(current), meant to restore \(previous) "
                        + "over \(change.after); left for an operator")
                return
            }

            try await neutron.updatePort(
                change.resource, fields: ["security_groups": .array(previous.map(JSON.string))],
                ifMatchRevision: port["revision_number"]?.intValue)
            let after = PortFacts(neutron: try await neutron.showPort(change.resource)).securityGroups
            guard Set(after) == Set(previous) else {
                collector.failed("release not applied on \(change.resource): its groups are \(after)")
                return
            }
            collector.changes.append(
                AppliedChange(
                    kind: change.kind, resource: change.resource, before: change.after, after: change.before,
                    method: "security_groups restored"))
        } catch {
            collector.failed(
                "release of port \(change.resource) failed: \(error)", transient: ActionResult.isTransient(error))
        }
    }

    func restoreAdminState(_ change: AppliedChange, into collector: inout ResultCollector) async {
        let up = change.before == ChangeKind.text(adminStateUp: true)
        let result = await portActions.setAdminState(portID: change.resource, up: up)
        switch result.outcome {
        case .done:
            collector.changes.append(
                AppliedChange(
                    kind: change.kind, resource: change.resource, before: change.after, after: change.before,
                    method: "admin_state_up=\(up)"))
        case .alreadyInState:
            collector.notes.append("port \(change.resource) is already \(change.before)")
        case .failed(let reason):
            collector.failed("release of port \(change.resource) failed: \(reason)", transient: result.transient)
        }
    }
}
