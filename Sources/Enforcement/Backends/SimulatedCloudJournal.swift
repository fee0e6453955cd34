import Foundation

/// Keeps a simulated cloud's changeable state in a file, so that the cloud outlives the
/// process as a real one would, and journals every change that took effect.
///
/// The file contains the state that backends change and the journal. The state is the ports'
/// security groups and admin state, the servers' status and lock, the security groups and the id
/// counter. Both are written to a temporary file that is then renamed over the old one. A process killed at any point leaves
/// the file before or after a change, never half of one. A change that was made in memory but
/// not saved is lost with the process, as if the cloud had never received the request.
public final class SimulatedCloudJournal: @unchecked Sendable {
    /// One change that took effect: the resource, the field, and its value before and after.
    public struct Change: Codable, Equatable, Sendable {
        public var sequence: Int
        public var resource: String
        public var field: String
        public var before: String
        public var after: String
    }

    struct PortState: Codable, Equatable {
        var adminStateUp: Bool
        var securityGroups: [String]
        var revision: Int
    }

    struct ServerState: Codable, Equatable {
        var status: String
        var locked: Bool
        var lockedReason: String?
    }

    struct GroupState: Codable, Equatable {
        var id: String
        var name: String
        var projectID: String
        var description: String
        var hasEgressRules: Bool
    }

    struct State: Codable {
        var counter = 0
        var ports: [String: PortState] = [:]
        var servers: [String: ServerState] = [:]
        var groups: [String: GroupState] = [:]
        var changes: [Change] = []
    }

    public let url: URL
    private let cloud: SimulatedCloud
    private let lock = NSLock()
    private var saved = State()

    /// Loads the state from `url` into `cloud` when the file exists, and saves every later change.
    /// The cloud must have been built with the same steps as when the file was written.
    public init(cloud: SimulatedCloud, url: URL) throws {
        self.cloud = cloud
        self.url = url
        if FileManager.default.fileExists(atPath: url.path) {
            saved = try JSONDecoder().decode(State.self, from: Data(contentsOf: url))
            apply(saved)
        } else {
            saved = capture()
            try write(saved)
        }
        cloud.lock.withLock { cloud.saveHandler = { [weak self] in self?.save() } }
    }

    /// Reads the changes that took effect, in order, across every process that used the file.
    public static func changes(in url: URL) throws -> [Change] {
        try JSONDecoder().decode(State.self, from: Data(contentsOf: url)).changes
    }

    private func save() {
        lock.lock()
        defer { lock.unlock() }
        var next = capture()
        next.changes = saved.changes
        var sequence = saved.changes.count
        func note(_ resource: String, _ field: String, _ before: String, _ after: String) {
            guard before != after else { return }
            sequence += 1
            next.changes.append(
                Change(sequence: sequence, resource: resource, field: field, before: before, after: after))
        }
        for (id, port) in next.ports.sorted(by: { $0.key < $1.key }) {
            let old = saved.ports[id]
            note(
                id, "security_groups", old?.securityGroups.joined(separator: ",") ?? "",
                port.securityGroups.joined(separator: ","))
            note(id, "admin_state_up", old.map { String($0.adminStateUp) } ?? "", String(port.adminStateUp))
        }
        for (id, server) in next.servers.sorted(by: { $0.key < $1.key }) {
            let old = saved.servers[id]
            note(id, "status", old?.status ?? "", server.status)
            note(id, "locked", old.map { String($0.locked) } ?? "", String(server.locked))
        }
        do {
            try write(next)
            saved = next
        } catch {
            // NOTE: the simulated cloud has no logger; a failed save shows as a change missing from the journal.
            FileHandle.standardError.write(
                Data("simulated cloud: saving the state to \(url.path) failed: \(error)\n".utf8))
        }
    }

    private func write(_ state: State) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let temporary = url.appendingPathExtension("tmp")
        try encoder.encode(state).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    private func capture() -> State {
        cloud.lock.withLock {
            var state = State()
            state.counter = cloud.counter
            for (id, port) in cloud.portTable {
                state.ports[id] = PortState(
                    adminStateUp: port.adminStateUp, securityGroups: port.securityGroups, revision: port.revision)
            }
            for (id, server) in cloud.serverTable {
                state.servers[id] = ServerState(
                    status: server.status, locked: server.locked, lockedReason: server.lockedReason)
            }
            for (id, group) in cloud.groupTable {
                state.groups[id] = GroupState(
                    id: id, name: group.name, projectID: group.projectID, description: group.description,
                    hasEgressRules: group.hasEgressRules)
            }
            return state
        }
    }

    private func apply(_ state: State) {
        cloud.lock.withLock {
            cloud.counter = max(cloud.counter, state.counter)
            for (id, group) in state.groups {
                cloud.groupTable[id] = SimulatedSecurityGroup(
                    id: id, name: group.name, projectID: group.projectID, description: group.description,
                    hasEgressRules: group.hasEgressRules)
            }
            for (id, saved) in state.ports {
                cloud.portTable[id]?.adminStateUp = saved.adminStateUp
                cloud.portTable[id]?.securityGroups = saved.securityGroups
                cloud.portTable[id]?.revision = saved.revision
            }
            for (id, saved) in state.servers {
                cloud.serverTable[id]?.status = saved.status
                cloud.serverTable[id]?.locked = saved.locked
                cloud.serverTable[id]?.lockedReason = saved.lockedReason
            }
        }
    }
}
