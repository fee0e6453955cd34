extension SimulatedCloud {
    /// The server actions of Nova that responses use and undo.
    public enum ServerAction: String, Sendable {
        case pause, unpause, lock, unlock
    }

    /// Sets a port's security groups as Neutron's `PUT /v2.0/ports/{id}` does, with its checks:
    /// the groups must exist, a port without port security or IP takes none, and with
    /// `ifRevision` the port must still be at that revision.
    public func setSecurityGroups(portID: String, to groupIDs: [String], ifRevision: Int? = nil) throws {
        try mutate {
            var port = try portForUpdate(portID, ifRevision: ifRevision)
            for groupID in groupIDs where groupTable[groupID] == nil {
                throw SimulatedCloudError.notFound(kind: "security group", id: groupID)
            }
            if !groupIDs.isEmpty && (!port.portSecurityEnabled || port.fixedIPs.isEmpty) {
                throw SimulatedCloudError.portSecurityRequired(portID: portID)
            }
            port.securityGroups = groupIDs
            port.revision += 1
            portTable[portID] = port
        }
    }

    public func setAdminState(portID: String, up: Bool, ifRevision: Int? = nil) throws {
        try mutate {
            var port = try portForUpdate(portID, ifRevision: ifRevision)
            port.adminStateUp = up
            port.revision += 1
            portTable[portID] = port
        }
    }

    /// Carries out a server action with Nova's state checks; a wrong state is a conflict (409).
    /// Unlike Nova, the action takes effect before the call returns.
    public func perform(_ action: ServerAction, serverID: String, lockReason: String? = nil) throws {
        try mutate {
            guard var server = serverTable[serverID] else {
                throw SimulatedCloudError.notFound(kind: "server", id: serverID)
            }
            switch action {
            case .pause, .unpause:
                let (from, to) = action == .pause ? ("ACTIVE", "PAUSED") : ("PAUSED", "ACTIVE")
                guard server.status == from else {
                    throw SimulatedCloudError.conflict(
                        serverID: serverID, action: action.rawValue, status: server.status)
                }
                server.status = to
            case .lock:
                server.locked = true
                server.lockedReason = lockReason
            case .unlock:
                server.locked = false
                server.lockedReason = nil
            }
            serverTable[serverID] = server
        }
    }

    /// Returns the id of the project's group named `name`, creating it without rules when missing.
    public func ensureQuarantineGroup(projectID: String, name: String) -> String {
        if let id = lock.withLock({ groupTable.values.first { $0.projectID == projectID && $0.name == name }?.id }) {
            return id
        }
        return mutate {
            let id = nextID(3)
            groupTable[id] = SimulatedSecurityGroup(
                id: id, name: name, projectID: projectID,
                description: "Agora quarantine: no rules, so all traffic is blocked both ways", hasEgressRules: false)
            return id
        }
    }

    private func portForUpdate(_ portID: String, ifRevision: Int?) throws -> SimulatedPort {
        guard let port = portTable[portID] else { throw SimulatedCloudError.notFound(kind: "port", id: portID) }
        if let ifRevision, ifRevision != port.revision {
            throw SimulatedCloudError.revisionMismatch(portID: portID, expected: ifRevision, actual: port.revision)
        }
        return port
    }
}
