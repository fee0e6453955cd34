import Foundation

/// Carries out VM responses on a `SimulatedCloud` with the semantics of `OpenStackBackend`: the
/// same choice of method per port, the same recorded `before` state, read-back after each
/// change and the same conflict rules on release. Tests may add latency and failures.
public struct SimulatedBackend: ActionBackend {
    /// A failure that a test makes a call meet.
    public enum Fault: Sendable {
        /// Stands for a timeout or a 5xx: the result is marked transient.
        case transient(String)
        /// Stands for a 4xx with Neutron's or Nova's error type, such as `portSecurityRequiredError`.
        case rejected(String)
    }

    public let name = "simulated"
    public let cloud: SimulatedCloud
    public var quarantineGroupName = "agora-quarantine"
    public var lockReason = "quarantined by Agora"
    /// Seconds each change waits before it reaches the cloud.
    public var latency: Double
    /// Returns the fault, if any, of an operation (`set_security_groups`, `set_admin_state`,
    /// `pause`, `unpause`, `lock`, `unlock`) on a resource id.
    public var fault: (@Sendable (_ operation: String, _ resource: String) -> Fault?)?

    public init(
        cloud: SimulatedCloud, latency: Double = 0,
        fault: (@Sendable (_ operation: String, _ resource: String) -> Fault?)? = nil
    ) {
        self.cloud = cloud
        self.latency = latency
        self.fault = fault
    }

    public func supports(_ response: ResponseKind) -> Bool {
        response != .block
    }

    public func apply(_ response: ResponseKind, to target: ActionTarget, reason: String) async -> BackendResult {
        guard let vmID = target.vmID, !vmID.isEmpty else {
            return BackendResult(status: .failed, detail: "\(response.rawValue) needs a VM id; the target has none")
        }
        var collector = ResultCollector()
        switch response {
        case .quarantine, .portDown:
            let ports = cloud.ports(ofDevice: vmID)
            if ports.isEmpty { collector.failed("server \(vmID) has no ports") }
            for port in ports {
                await isolate(port, byGroup: response == .quarantine, into: &collector)
            }
        case .pause:
            let before = cloud.server(vmID)?.status ?? "unknown"
            await change(
                .pause, serverID: vmID, reason: nil, into: &collector,
                recording: AppliedChange(
                    kind: ChangeKind.serverStatus.rawValue, resource: vmID, before: before, after: "PAUSED",
                    method: "pause"))
        case .lock:
            let text = reason.isEmpty ? lockReason : "\(lockReason): \(reason)"
            await change(
                .lock, serverID: vmID, reason: text, into: &collector,
                recording: AppliedChange(
                    kind: ChangeKind.serverLock.rawValue, resource: vmID, before: "unlocked", after: "locked",
                    method: "lock with reason \"\(text)\""))
        case .block:
            collector.failed("the simulated backend does not block addresses; use the nftables backend")
        }
        return collector.result()
    }

    public func verify(_ changes: [AppliedChange]) async -> BackendResult {
        var collector = ResultCollector()
        for change in changes {
            let current = state(of: change)
            if current == change.after {
                collector.changes.append(change)
            } else {
                collector.failed("\(change.kind) \(change.resource) is \(current), expected \(change.after)")
            }
        }
        return collector.result()
    }

    /// Reads the resource of `change` and renders it in the words of `after`. Group lists compare as sets.
    func state(of change: AppliedChange) -> String {
        switch ChangeKind(rawValue: change.kind) {
        case .portSecurityGroups:
            guard let groups = cloud.port(change.resource)?.securityGroups else { return "missing" }
            return Set(groups) == Set(ChangeKind.groups(change.after)) ? change.after : ChangeKind.text(groups: groups)
        case .portAdminState:
            return cloud.port(change.resource).map { ChangeKind.text(adminStateUp: $0.adminStateUp) } ?? "missing"
        case .serverStatus:
            return cloud.server(change.resource)?.status ?? "missing"
        case .serverLock:
            return cloud.server(change.resource).map { ChangeKind.text(locked: $0.locked) } ?? "missing"
        case .nftElement, nil:
            return "not a simulated cloud change"
        }
    }

    /// Waits the latency, then throws the injected fault of `operation`, if any.
    func enter(_ operation: String, _ resource: String) async throws {
        if latency > 0 { try? await Task.sleep(nanoseconds: UInt64(latency * 1e9)) }
        switch fault?(operation, resource) {
        case .transient(let reason):
            throw SimulatedCloudError.injected(
                operation: operation, resource: resource, reason: reason, transient: true)
        case .rejected(let type):
            if type == portSecurityRequiredError { throw SimulatedCloudError.portSecurityRequired(portID: resource) }
            throw SimulatedCloudError.injected(operation: operation, resource: resource, reason: type, transient: false)
        case nil:
            return
        }
    }

    static func isTransient(_ error: Error) -> Bool {
        (error as? SimulatedCloudError)?.isTransient ?? false
    }
}
