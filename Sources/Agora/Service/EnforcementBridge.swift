import Datalog
import Enforcement
import Foundation
import OpenStack

/// Connects the engine's `execute[...]` rows to the enforcer, and the enforcer's outcomes to
/// incidents and the event stream.
///
/// Calls reach the enforcer in engine order through one queue; each round carries, as
/// evidence, the source address the rule named, so that the guard can check it against the
/// VM's ports.
public final class EnforcementBridge: @unchecked Sendable {
    public let enforcer: Enforcer
    private let service: AgoraService
    private let continuation: AsyncStream<Item>.Continuation

    /// What goes through the queue, in order: engine rounds and guard settings.
    enum Item: Sendable {
        case round([TableDelta])
        case settings(GuardSettings)
    }
    private var worker: Task<Void, Never>?
    private var ticker: Task<Void, Never>?
    private let pending = PendingCounter()
    private let linkLock = NSLock()
    private var linked: Set<Int64> = []

    public init(enforcer: Enforcer, service: AgoraService) {
        self.enforcer = enforcer
        self.service = service
        let (stream, continuation) = AsyncStream<Item>.makeStream()
        self.continuation = continuation
        worker = Task { [enforcer, pending, logger = service.logger] in
            for await item in stream {
                guard case .round(let deltas) = item else {
                    if case .settings(let settings) = item { await enforcer.update(guardSettings: settings) }
                    pending.done()
                    continue
                }
                let inserted = ActionCall.calls(in: deltas)
                let retracted = Self.retractedCalls(in: deltas)
                if !inserted.isEmpty || !retracted.isEmpty {
                    let evidence = inserted.compactMap { call -> Evidence? in
                        guard call.arguments.count >= 2, let address = call.arguments[1].string else { return nil }
                        return Evidence(reference: "\(call.policy):error \(address)", sourceAddress: address)
                    }
                    do {
                        try await enforcer.submit(calls: inserted, retracted: retracted, evidence: evidence)
                    } catch {
                        logger.error("enforcement failed to take a round", metadata: ["error": "\(error)"])
                    }
                }
                pending.done()
            }
        }
    }

    /// Starts the enforcer (reconciling what a crash left in flight) and its timer.
    public func start(tickSeconds: Double = 2) async throws {
        await enforcer.subscribe { [weak self] event in self?.handle(event) }
        try await enforcer.start()
        ticker = Task { [enforcer, logger = service.logger] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(tickSeconds * 1e9))
                do {
                    try await enforcer.tick()
                } catch {
                    logger.error("enforcement timer failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    public func stop() {
        ticker?.cancel()
        continuation.finish()
    }

    /// Queues one engine update's derived deltas.
    public func submit(_ deltas: [TableDelta]) {
        guard deltas.contains(where: { ActionCall.parse(table: $0.table) != nil }) else { return }
        pending.add()
        continuation.yield(.round(deltas))
    }

    /// Queues new guard settings; rounds queued after this call are decided with them.
    public func update(_ settings: GuardSettings) {
        pending.add()
        continuation.yield(.settings(settings))
    }

    /// Waits until every queued round has reached the enforcer (and, in enforce mode, its backend).
    public func settle() async {
        while pending.count > 0 { try? await Task.sleep(nanoseconds: 2_000_000) }
    }

    static func retractedCalls(in deltas: [TableDelta]) -> [ActionCall] {
        var calls: [ActionCall] = []
        for delta in deltas {
            guard !delta.deleted.isEmpty else { continue }
            let inverse = TableDelta(table: delta.table, inserted: delta.deleted)
            calls += ActionCall.calls(in: [inverse])
        }
        return calls
    }

    // MARK: Events

    private func handle(_ event: EnforcementEvent) {
        switch event {
        case .action(let step, let record):
            linkIncident(record)
            updateIncident(step, record)
            service.events.publish(
                AgoraEvent(
                    kind: "action.\(step.kind.rawValue)", projectID: record.target.projectID,
                    payload: ActionJSON.json(record, events: [step])))
            service.metrics?.increment(
                "agora_action_steps_total", labels: "kind=\"\(step.kind.rawValue)\"",
                help: "Steps in actions' timelines, by kind (requested, held, executed, refused, ...).")
            if step.kind == .refused || step.kind == .held {
                service.metrics?.increment(
                    "agora_guard_refusals_total", labels: "reason=\"\(record.reasonCode)\"",
                    help: "Intents the guard refused or held, by reason.")
            }
        case .massActionHeld(let policy, let ids, let reason):
            service.events.publish(
                AgoraEvent(
                    kind: "action.mass_held",
                    payload: [
                        "policy": .string(policy), "action_ids": .array(ids.map { .int($0) }),
                        "reason": .string(reason),
                    ]))
        case .unattributedEvidence(let evidence, let reason):
            service.logger.warning(
                "evidence not attributed to one VM",
                metadata: ["reference": evidence.reference, "address": evidence.sourceAddress ?? "", "reason": reason])
            service.events.publish(
                AgoraEvent(
                    kind: "evidence.unattributed",
                    payload: [
                        "reference": .string(evidence.reference), "source_ip": .string(evidence.sourceAddress ?? ""),
                        "reason": .string(reason),
                    ]))
        }
    }

    private func linkIncident(_ record: ActionRecord) {
        guard record.incidentID == nil, let vmID = record.target.vmID else { return }
        guard let incident = try? service.incidents.store.active(policy: record.policy, vmID: vmID) else { return }
        linkLock.lock()
        let first = linked.insert(record.id).inserted
        linkLock.unlock()
        guard first else { return }
        let enforcer = self.enforcer
        Task { try? await enforcer.linkIncident(record.id, incidentID: incident.id) }
    }

    private func updateIncident(_ step: ActionEvent, _ record: ActionRecord) {
        guard let vmID = record.target.vmID,
            let incident = try? service.incidents.store.active(policy: record.policy, vmID: vmID)
        else { return }
        switch step.kind {
        case .verified where incident.state == .open:
            _ = try? service.incidents.setState(incident.id, .contained, by: "agora")
        case .refused where record.reasonCode.hasPrefix("source_"):
            try? service.incidents.warnAttribution(incident.id, record.reason)
        default: break
        }
    }
}

/// Counts rounds queued and not yet handed to the enforcer.
final class PendingCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func add() {
        lock.lock()
        value += 1
        lock.unlock()
    }

    func done() {
        lock.lock()
        value -= 1
        lock.unlock()
    }
}
