import Foundation

/// An in-memory cloud of projects, servers, networks, subnets, ports and security groups, for
/// the demo and for tests that need no OpenStack. It publishes its inventory in the JSON shapes
/// of the Nova and Neutron APIs and refuses changes the way they do.
///
/// All state sits behind one lock, so any thread may read and change it. Every change raises
/// `changeCount` and then calls the `onChange` handler outside the lock. Ids are derived from a
/// counter, so the same build steps give the same ids.
public final class SimulatedCloud: @unchecked Sendable {
    let lock = NSLock()
    var projectNames: [String: String] = [:]
    var serverTable: [String: SimulatedServer] = [:]
    var networkTable: [String: SimulatedNetwork] = [:]
    var subnetTable: [String: SimulatedSubnet] = [:]
    var portTable: [String: SimulatedPort] = [:]
    var groupTable: [String: SimulatedSecurityGroup] = [:]
    var counter = 0
    private var changes = 0
    private var handler: (@Sendable (Int) -> Void)?
    /// Called after each change before `handler`; `SimulatedCloudJournal` saves the state here.
    var saveHandler: (@Sendable () -> Void)?

    public init() {}

    /// How many changes the cloud has seen, builder steps included.
    public var changeCount: Int { lock.withLock { changes } }

    /// Sets the handler called with the new change count after each change.
    public func setOnChange(_ handler: (@Sendable (Int) -> Void)?) {
        lock.withLock { self.handler = handler }
    }

    /// Runs `body` under the lock and, when it returns without throwing, counts a change and calls the handler.
    func mutate<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        let result: Result
        do {
            result = try body()
        } catch {
            lock.unlock()
            throw error
        }
        changes += 1
        let count = changes
        let handler = self.handler
        let saveHandler = self.saveHandler
        lock.unlock()
        saveHandler?()
        handler?(count)
        return result
    }

    /// Makes a new id in UUID form, with `kind` keeping ids of different resources apart. Call under the lock.
    func nextID(_ kind: UInt32) -> String {
        counter += 1
        return String(format: "%08x-0000-4000-8000-%012x", kind, counter)
    }

    func nextMAC() -> String {
        counter += 1
        return String(format: "fa:16:3e:%02x:%02x:%02x", (counter >> 16) & 255, (counter >> 8) & 255, counter & 255)
    }

    // MARK: - Reading

    public func server(_ id: String) -> SimulatedServer? { lock.withLock { serverTable[id] } }
    public func port(_ id: String) -> SimulatedPort? { lock.withLock { portTable[id] } }
    public func securityGroup(_ id: String) -> SimulatedSecurityGroup? { lock.withLock { groupTable[id] } }

    /// Returns the ports whose `device_id` is `deviceID`, ordered by id.
    public func ports(ofDevice deviceID: String) -> [SimulatedPort] {
        lock.withLock { portTable.values.filter { $0.deviceID == deviceID }.sorted { $0.id < $1.id } }
    }

    /// Returns the id of the server named `name`, if exactly one has that name.
    public func serverID(named name: String) -> String? {
        lock.withLock {
            let found = serverTable.values.filter { $0.name == name }
            return found.count == 1 ? found[0].id : nil
        }
    }

    /// Returns the id of the project named `name`.
    public func projectID(named name: String) -> String? {
        lock.withLock { projectNames.first { $0.value == name }?.key }
    }
}
