import OpenStack

/// Carries out VM responses through Nova and Neutron: quarantine and port-down on every port
/// of the server, pause and lock on the server itself.
///
/// Each change records the state it replaced in `AppliedChange.before`, which the ledger keeps,
/// so a release restores exactly that state even after a restart. Every update is read back
/// before it counts as done. A 4xx is reported without another attempt. The session retries
/// timeouts and 5xx under its own retry policy, and a failure that remains after those retries
/// is marked transient.
public struct OpenStackBackend: ActionBackend {
    public let name = "openstack"
    public let neutron: NeutronClient
    public let portActions: NeutronPortActions
    public let serverActions: NovaServerActions
    /// The name of the per-project quarantine group, created without rules when missing.
    public let quarantineGroupName: String
    /// The `locked_reason` of a lock; the action's reason follows it after a colon.
    public var lockReason = "quarantined by Agora"
    let logger: OpenStackLogger?

    public init(
        session: Session, quarantineGroupName: String = "agora-quarantine", verifyTimeout: Double = 60,
        logger: OpenStackLogger? = nil
    ) {
        neutron = NeutronClient(session: session)
        var ports = NeutronPortActions(neutron: neutron)
        ports.quarantineGroupName = quarantineGroupName
        portActions = ports
        var servers = NovaServerActions(session: session)
        servers.verifyTimeout = verifyTimeout
        serverActions = servers
        self.quarantineGroupName = quarantineGroupName
        self.logger = logger
    }

    public func supports(_ response: ResponseKind) -> Bool {
        response != .block
    }

    public func apply(_ response: ResponseKind, to target: ActionTarget, reason: String) async -> BackendResult {
        guard let vmID = target.vmID, !vmID.isEmpty else {
            return BackendResult(status: .failed, detail: "\(response.rawValue) needs a VM id; the target has none")
        }
        switch response {
        case .quarantine:
            return await quarantine(serverID: vmID)
        case .portDown:
            return await setPortsDown(serverID: vmID)
        case .pause:
            return await pause(serverID: vmID)
        case .lock:
            return await lock(serverID: vmID, reason: reason)
        case .block:
            return BackendResult(
                status: .failed, detail: "the openstack backend does not block addresses; use the nftables backend")
        }
    }

    public func verify(_ changes: [AppliedChange]) async -> BackendResult {
        var collector = ResultCollector()
        for change in changes {
            do {
                let current = try await currentState(of: change)
                if current == change.after {
                    collector.changes.append(change)
                } else {
                    collector.failed("\(change.kind) \(change.resource) is \(current), expected \(change.after)")
                }
            } catch {
                collector.failed(
                    "reading \(change.kind) \(change.resource) failed: \(error)",
                    transient: ActionResult.isTransient(error))
            }
        }
        return collector.result()
    }

    public func release(_ changes: [AppliedChange]) async -> BackendResult {
        var collector = ResultCollector()
        // The reverse order of application: the server is unlocked before it is unpaused.
        for change in changes.reversed() {
            switch ChangeKind(rawValue: change.kind) {
            case .portSecurityGroups:
                await restoreGroups(change, into: &collector)
            case .portAdminState:
                await restoreAdminState(change, into: &collector)
            case .serverStatus:
                await restoreStatus(change, into: &collector)
            case .serverLock:
                await restoreLock(change, into: &collector)
            case .nftElement, nil:
                collector.failed("the openstack backend cannot release a change of kind \(change.kind)")
            }
        }
        return collector.result()
    }

    /// Reads the resource of `change` and renders its state in the same words as `after`.
    func currentState(of change: AppliedChange) async throws -> String {
        switch ChangeKind(rawValue: change.kind) {
        case .portSecurityGroups:
            let groups = PortFacts(neutron: try await neutron.showPort(change.resource)).securityGroups
            // Order carries no meaning in Neutron, so sets are compared.
            let wanted = ChangeKind.groups(change.after)
            return Set(groups) == Set(wanted) ? change.after : ChangeKind.text(groups: groups)
        case .portAdminState:
            return ChangeKind.text(
                adminStateUp: PortFacts(neutron: try await neutron.showPort(change.resource)).adminStateUp)
        case .serverStatus:
            return try await serverActions.nova.server(change.resource)["status"]?.stringValue ?? "unknown"
        case .serverLock:
            let locked = try await serverActions.nova.server(change.resource)["locked"]?.boolValue ?? false
            return ChangeKind.text(locked: locked)
        case .nftElement, nil:
            return "not an OpenStack change"
        }
    }

    func log(_ level: LogLevel, _ message: String) {
        logger?(level, message)
    }
}
