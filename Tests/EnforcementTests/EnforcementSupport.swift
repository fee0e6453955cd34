import Foundation
import Store

@testable import Datalog
@testable import Enforcement

/// A fresh SQLite file in its own temporary directory.
func temporaryLedgerPath() -> String {
    NSTemporaryDirectory() + "agora-ledger-\(UUID().uuidString)/agora.db"
}

func openLedger(_ path: String) throws -> ActionLedger {
    try ActionLedger(database: try SQLiteDatabase(path: path))
}

/// The shared directory with the cases: `AGORA_SHARED`, else `shared` next to the repository.
func sharedDirectory() -> URL {
    if let path = ProcessInfo.processInfo.environment["AGORA_SHARED"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return repository.deletingLastPathComponent().appendingPathComponent("shared")
}

func quarantineCall(_ vmID: String, _ address: String, policy: String = "compromised_vm") -> ActionCall {
    ActionCall(policy: policy, service: "agora", action: "quarantine", arguments: [.string(vmID), .string(address)])
}

/// An inventory held in memory. `subnets` maps networks to their ids for the report on
/// addresses that no port owns.
struct TestInventory: Inventory {
    var servers: [String: ServerFacts] = [:]
    var allPorts: [PortFacts] = []
    var age: Double? = 5
    var subnets: [(network: String, networkID: String)] = []

    func server(_ id: String) -> ServerFacts? { servers[id] }

    func ports(ofServer id: String) -> [PortFacts] { allPorts.filter { $0.deviceID == id } }

    func ports(withAddress address: String) -> [PortFacts] {
        let wanted = IPAddress(address)
        return allPorts.filter { port in
            (port.fixedIPs + port.allowedAddresses).contains { IPAddress($0) == wanted }
        }
    }

    var serverCount: Int { servers.count }

    var ageSeconds: Double? { age }

    func spoofCapablePorts(near address: String) -> [PortFacts] {
        guard let parsed = IPAddress(address) else { return [] }
        let networks = Set(
            subnets.filter { IPNetwork($0.network)?.contains(parsed) == true }.map(\.networkID))
        return allPorts.filter { networks.contains($0.networkID) && !$0.portSecurityEnabled }
    }

    /// Adds a VM in project `project` with one port holding `address`.
    mutating func addVM(
        _ id: String, address: String, project: String = "t1", network: String = "net-a",
        portSecurity: Bool = true, owner: String = "compute:nova"
    ) {
        servers[id] = ServerFacts(id: id, name: id, projectID: project, status: "ACTIVE")
        let port = PortFacts(
            id: "port-\(id)", networkID: network, projectID: project, deviceID: id, deviceOwner: owner,
            macAddress: "fa:16:3e:00:00:\(String(format: "%02x", allPorts.count + 1))", fixedIPs: [address],
            allowedAddresses: [], portSecurityEnabled: portSecurity, adminStateUp: true, securityGroups: ["sg-web"])
        allPorts.append(port)
    }
}

/// A value the test changes while the enforcer reads it.
final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// A backend that keeps the changes it applied in memory. `visibleFrom` makes `verify` report
/// the change missing before that clock time, as a stale read would.
final class RecordingBackend: ActionBackend, @unchecked Sendable {
    let name = "recording"
    private let lock = NSLock()
    private let clock: any EnforcementClock
    private var applied: [String: AppliedChange] = [:]
    private(set) var applyCount = 0
    private(set) var releaseCount = 0
    var visibleFrom: Double?
    /// Results for the next `apply` calls, used before the normal behaviour.
    var scripted: [BackendResult] = []
    /// Called at the start of every `apply`, before anything changes.
    var onApply: (@Sendable (ActionTarget) -> Void)?

    init(clock: any EnforcementClock) { self.clock = clock }

    func supports(_ response: ResponseKind) -> Bool { true }

    /// Marks a change as made, as if an earlier process had made it before a crash.
    func preload(_ change: AppliedChange) { lock.withLock { applied[change.resource] = change } }

    func isApplied(_ resource: String) -> Bool { lock.withLock { applied[resource] != nil } }

    func apply(_ response: ResponseKind, to target: ActionTarget, reason: String) async -> BackendResult {
        onApply?(target)
        return lock.withLock {
            applyCount += 1
            if !scripted.isEmpty { return scripted.removeFirst() }
            let resource = target.vmID ?? target.address ?? "?"
            if applied[resource] != nil {
                return BackendResult(status: .alreadyInState, detail: "\(resource) already \(response.rawValue)")
            }
            let change = AppliedChange(kind: response.rawValue, resource: resource, before: "sg-web", after: "sg-q")
            applied[resource] = change
            return BackendResult(status: .done, changes: [change], detail: "\(response.rawValue) \(resource)")
        }
    }

    func verify(_ changes: [AppliedChange]) async -> BackendResult {
        lock.withLock {
            if let visibleFrom, clock.now < visibleFrom {
                return BackendResult(status: .failed, detail: "the read still shows sg-web")
            }
            let present = changes.allSatisfy { applied[$0.resource] == $0 }
            return BackendResult(status: present ? .done : .failed, detail: present ? "in place" : "not in place")
        }
    }

    func release(_ changes: [AppliedChange]) async -> BackendResult {
        lock.withLock {
            releaseCount += 1
            for change in changes { applied[change.resource] = nil }
            return BackendResult(status: .done, detail: "restored \(changes.count) changes")
        }
    }
}

/// The events an enforcer sent, in order.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [EnforcementEvent] = []

    func append(_ event: EnforcementEvent) { lock.withLock { stored.append(event) } }

    var all: [EnforcementEvent] { lock.withLock { stored } }

    var massHolds: [(policy: String, ids: [Int64], reason: String)] {
        all.compactMap {
            if case .massActionHeld(let policy, let ids, let reason) = $0 { return (policy, ids, reason) }
            return nil
        }
    }

    func actionEvents(_ kind: ActionEventKind) -> [ActionEvent] {
        all.compactMap {
            if case .action(let event, _) = $0, event.kind == kind { return event }
            return nil
        }
    }

    var unattributed: [(Evidence, String)] {
        all.compactMap {
            if case .unattributedEvidence(let evidence, let reason) = $0 { return (evidence, reason) }
            return nil
        }
    }
}

/// An enforcer over a fresh or reopened ledger, with a recording backend and an event log.
struct Harness {
    let clock: ManualClock
    let inventory: Box<TestInventory>
    let backend: RecordingBackend
    let ledger: ActionLedger
    let enforcer: Enforcer
    let log = EventLog()

    init(
        path: String = temporaryLedgerPath(), clock: ManualClock = ManualClock(now: 36_000),
        inventory: TestInventory, guardSettings: GuardSettings = Harness.enforcing(),
        settings: EnforcerSettings = EnforcerSettings(), backend: RecordingBackend? = nil
    ) async throws {
        self.clock = clock
        self.inventory = Box(inventory)
        self.backend = backend ?? RecordingBackend(clock: clock)
        ledger = try openLedger(path)
        let box = self.inventory
        enforcer = Enforcer(
            ledger: ledger, backends: [self.backend], guardSettings: guardSettings, settings: settings, clock: clock,
            inventory: { box.value })
        let log = self.log
        await enforcer.subscribe { log.append($0) }
    }

    /// Guard settings with every policy in enforce mode and the default caps.
    static func enforcing() -> GuardSettings {
        var settings = GuardSettings()
        settings.defaultMode = .enforce
        return settings
    }
}
