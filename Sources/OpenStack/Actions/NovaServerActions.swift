import Foundation

/// Server actions on Nova, each checked against the server's state before and after.
///
/// Nova carries actions out asynchronously: a 202 means accepted, so each action polls the
/// server until it reaches the target state or `verifyTimeout` passes. A 409 is explained by
/// reading the server: already in the target state, a task in progress, locked, or another
/// state. The rejected request is never sent again.
public struct NovaServerActions: Sendable {
    public let nova: NovaClient
    public let clock: OpenStackClock
    public var verifyTimeout = 60.0
    public var verifyInterval = 0.5

    public enum Action: String, Sendable, CaseIterable {
        case pause, unpause, suspend, resume, stop, lock, unlock

        var requestKey: String {
            switch self {
            case .stop: return "os-stop"
            default: return rawValue
            }
        }

        /// Returns true when `server` is already in the state this action leads to.
        func isReached(by server: JSON) -> Bool {
            let status = server["status"]?.stringValue
            switch self {
            case .pause: return status == "PAUSED"
            case .unpause, .resume: return status == "ACTIVE"
            case .suspend: return status == "SUSPENDED"
            case .stop: return status == "SHUTOFF"
            case .lock: return server["locked"]?.boolValue == true
            case .unlock: return server["locked"]?.boolValue == false
            }
        }
    }

    /// Uses microversion 2.73, the first that takes a lock reason and shows `locked`.
    public init(session: Session) {
        nova = NovaClient(session: session, microversion: "2.73")
        clock = session.clock
    }

    public func perform(_ action: Action, serverID: String, lockReason: String? = nil) async -> ActionResult {
        do {
            let before = try await nova.server(serverID)
            if action.isReached(by: before) {
                return ActionResult(action: action.rawValue, target: serverID, outcome: .alreadyInState)
            }

            var argument: JSON = .null
            if action == .lock, let lockReason { argument = ["locked_reason": .string(lockReason)] }
            do {
                try await nova.action(serverID, [action.requestKey: argument])
            } catch OpenStackError.http(let failure) where failure.status == 409 {
                return try await explainConflict(action, serverID: serverID, failure: failure)
            }
            return try await verify(action.rawValue, serverID: serverID) { action.isReached(by: $0) }
        } catch OpenStackError.http(let failure) where failure.status == 404 {
            return ActionResult(
                action: action.rawValue, target: serverID, outcome: .failed(reason: "server not found (gone)"))
        } catch {
            return .failure(action.rawValue, serverID, error)
        }
    }

    /// Adds (`add: true`) or removes a security group by name through Nova.
    public func changeSecurityGroup(serverID: String, groupName: String, add: Bool) async -> ActionResult {
        let action = add ? "add_security_group" : "remove_security_group"
        do {
            if try await groupNames(serverID).contains(groupName) == add {
                return ActionResult(action: action, target: serverID, outcome: .alreadyInState)
            }
            let key = add ? "addSecurityGroup" : "removeSecurityGroup"
            do {
                try await nova.action(serverID, [key: ["name": .string(groupName)]])
            } catch OpenStackError.http(let failure) where failure.status == 409 {
                return try await explainConflict(nil, serverID: serverID, failure: failure, name: action)
            }
            guard try await groupNames(serverID).contains(groupName) == add else {
                return ActionResult(
                    action: action, target: serverID, outcome: .failed(reason: "the group list did not change"))
            }
            return ActionResult(action: action, target: serverID, outcome: .done, detail: groupName)
        } catch {
            return .failure(action, serverID, error)
        }
    }

    private func groupNames(_ serverID: String) async throws -> Set<String> {
        let body = try await nova.service.get("/servers/\(percentEncode(serverID))/os-security-groups")
        return Set(body["security_groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
    }

    private func verify(_ name: String, serverID: String, reached: (JSON) -> Bool) async throws -> ActionResult {
        let deadline = clock.now() + verifyTimeout
        var server = try await nova.server(serverID)
        while !reached(server) {
            if server["status"]?.stringValue == "ERROR" {
                return ActionResult(action: name, target: serverID, outcome: .failed(reason: "server went to ERROR"))
            }
            guard clock.now() < deadline else {
                let state = server["status"]?.stringValue ?? "unknown"
                return ActionResult(
                    action: name, target: serverID,
                    outcome: .failed(reason: "not confirmed within \(verifyTimeout) s; status is \(state)"))
            }
            try await clock.sleep(seconds: verifyInterval)
            server = try await nova.server(serverID)
        }
        return ActionResult(action: name, target: serverID, outcome: .done, detail: server["status"]?.stringValue ?? "")
    }

    private func explainConflict(_ action: Action?, serverID: String, failure: HTTPFailure, name: String? = nil)
        async throws -> ActionResult
    {
        let label = action?.rawValue ?? name ?? "action"
        let server = try await nova.server(serverID)
        if let action, action.isReached(by: server) {
            return ActionResult(action: label, target: serverID, outcome: .alreadyInState, detail: failure.message)
        }
        let reason: String
        if let task = server["OS-EXT-STS:task_state"]?.stringValue {
            reason = "task in progress: \(task)"
        } else if server["locked"]?.boolValue == true {
            reason = "the server is locked"
        } else {
            let state = server["OS-EXT-STS:vm_state"]?.stringValue ?? server["status"]?.stringValue ?? "unknown"
            reason = "not possible in state \(state)"
        }
        return ActionResult(
            action: label, target: serverID, outcome: .failed(reason: "\(reason) (Nova: \(failure.message))"))
    }
}
