import Datalog

/// Turns the rows of `execute[...]` tables into actions, once per row while it stays derived,
/// through the guard and a backend. Every step is recorded in the ledger before and after each call.
///
/// The service calls `submit` after each engine commit, `tick` every few seconds (release
/// deadlines, visibility checks, hold-downs, retries), and `start` once before the first
/// submit, to reconcile actions that a crash left in `executing`.
public actor Enforcer {
    public nonisolated let ledger: ActionLedger
    public private(set) var guardSettings: GuardSettings
    public private(set) var settings: EnforcerSettings
    let backends: [any ActionBackend]
    let clock: any EnforcementClock
    let inventory: @Sendable () -> any Inventory
    /// Rows that came back inside their hold-down, by key, with when they may fire. Such a row
    /// is not marked live in the ledger, so after a restart it is treated as new again.
    var deferred: [String: (intent: ActionIntent, evidence: [Evidence], due: Double)] = [:]
    private var subscribers: [@Sendable (EnforcementEvent) -> Void] = []
    private var streams: [AsyncStream<EnforcementEvent>.Continuation] = []

    /// Creates an enforcer over `ledger`. `backends` are asked in order, and the first that
    /// supports a response carries it out. `inventory` returns the current inventory each time
    /// the guard decides.
    public init(
        ledger: ActionLedger, backends: [any ActionBackend], guardSettings: GuardSettings = GuardSettings(),
        settings: EnforcerSettings = EnforcerSettings(), clock: any EnforcementClock = SystemClock(),
        inventory: @escaping @Sendable () -> any Inventory
    ) {
        self.ledger = ledger
        self.backends = backends
        self.guardSettings = guardSettings
        self.settings = settings
        self.clock = clock
        self.inventory = inventory
    }

    public func update(guardSettings: GuardSettings) { self.guardSettings = guardSettings }

    public func update(settings: EnforcerSettings) { self.settings = settings }

    /// Calls `handler` with every later event, on the enforcer's executor; keep it short.
    public func subscribe(_ handler: @escaping @Sendable (EnforcementEvent) -> Void) {
        subscribers.append(handler)
    }

    /// A stream of every later event. The stream buffers without limit until read.
    public func events() -> AsyncStream<EnforcementEvent> {
        let (stream, continuation) = AsyncStream<EnforcementEvent>.makeStream()
        streams.append(continuation)
        return stream
    }

    /// The VMs, addresses and changed resources (ports, servers) of actions whose change is not
    /// yet confirmed visible. Data-source events about these resources are Agora's own doing,
    /// and the service should not let them trigger policies again.
    public func inFlightResources() throws -> Set<String> {
        var resources: Set<String> = []
        for record in try ledger.records(in: [.executing, .executed, .unverified]) {
            if let vmID = record.target.vmID { resources.insert(vmID) }
            if let address = record.target.address { resources.insert(address) }
            for change in record.changes { resources.insert(change.resource) }
        }
        return resources
    }

    /// Records the incident that the service opened for the action.
    public func linkIncident(_ id: Int64, incidentID: String) throws {
        try step(id, .incidentLinked, detail: incidentID) { $0.incidentID = incidentID }
    }

    /// Takes the `execute[...]` rows that one engine commit inserted and retracted, with the
    /// evidence that came in with it. Each new row is written to the ledger before the guard
    /// runs and before any backend call.
    public func submit(calls: [ActionCall], retracted: [ActionCall] = [], evidence: [Evidence] = []) async throws {
        let now = clock.now
        for call in retracted {
            let key = ActionIntent(call: call).key
            deferred[key] = nil
            try ledger.setRow(key, live: false, at: now)
        }

        var created: [ActionRecord] = []
        var usedEvidence: Set<String> = []
        let current = inventory()
        // Blocks are written and decided first because they also run first.
        let blocks = calls.filter { ActionIntent(call: $0).response == .block }
        let others = calls.filter { ActionIntent(call: $0).response != .block }
        for call in blocks + others {
            var intent = ActionIntent(call: call)
            attributeBlock(&intent, inventory: current)
            // Older runs marked the row live before writing its action, so a crash between the
            // two left a live row with no action. Such a row is taken as a new row.
            if try ledger.rowIsLive(intent.key) == true, try ledger.latest(key: intent.key) != nil {
                // The engine derived a row again that it never retracted: after a restart, or
                // in a refresh that changed nothing for this row.
                usedEvidence.formUnion(try attach(evidence, toOpenFor: intent, note: nil))
                if let interrupted = try undecided(intent.key), !created.contains(where: { $0.id == interrupted.id }) {
                    created.append(interrupted)
                }
                continue
            }
            if let response = intent.response,
                let open = try ledger.openRecord(response: response, target: intent.target)
            {
                try ledger.setRow(intent.key, live: true, at: now)
                usedEvidence.formUnion(
                    try attach(evidence, toOpenFor: intent, note: open.key == intent.key ? nil : intent.key))
                if let interrupted = try undecided(open.key), !created.contains(where: { $0.id == interrupted.id }) {
                    created.append(interrupted)
                }
                continue
            }
            if let latest = try ledger.latest(key: intent.key), let due = holdDownEnd(of: latest), now < due {
                deferred[intent.key] = (intent, evidence, due)
                continue
            }
            // The action is written before the row is marked live, so that a crash between the
            // two leaves an action that a restart finds, not a live row with no action.
            let record = try create(intent, evidence: evidence)
            try ledger.setRow(intent.key, live: true, at: now)
            usedEvidence.formUnion(record.evidence)
            created.append(record)
        }

        try routeEvidence(evidence.filter { !usedEvidence.contains($0.reference) })
        try await decide(created, evidence: evidence)
    }

    /// Returns the row's action when it is still `requested` outside this round, which only a
    /// crash between writing the intent and deciding it leaves behind. `tick` and the operator
    /// calls never leave an action `requested` across a suspension.
    ///
    /// NOTE: this relies on callers passing rounds to `submit` one at a time, as the service's
    /// single queue does. Two concurrent submits could each decide the other's new action.
    func undecided(_ key: String) throws -> ActionRecord? {
        guard let latest = try ledger.latest(key: key), latest.state == .requested else { return nil }
        return latest
    }

    /// When the hold-down after the row's last action ends; nil when that action is still open.
    func holdDownEnd(of record: ActionRecord) -> Double? {
        guard !record.state.isOpen else { return nil }
        let ended = [record.requestedAt, record.decidedAt, record.executedAt, record.releasedAt].compactMap { $0 }.max()
        return (ended ?? record.requestedAt) + settings.holdDown
    }

    /// Writes a new intent with the evidence that names its VM or its address.
    func create(_ intent: ActionIntent, evidence: [Evidence]) throws -> ActionRecord {
        let now = clock.now
        var record = try ledger.insert(intent, at: now)
        emit(
            .action(
                ActionEvent(actionID: record.id, at: now, kind: .requested, actor: "agora", detail: intent.key), record)
        )
        for item in evidence where concerns(item, intent.target) {
            try appendEvidence(record.id, reference: item.reference)
        }
        record = try ledger.record(record.id) ?? record
        return record
    }

    private func concerns(_ evidence: Evidence, _ target: ActionTarget) -> Bool {
        if let vmID = evidence.vmID, vmID == target.vmID { return true }
        guard let address = evidence.sourceAddress, let wanted = target.address else { return false }
        return address == wanted || (IPAddress(address) != nil && IPAddress(address) == IPAddress(wanted))
    }

    /// Appends the evidence that concerns the intent's target to the open action for it, and notes
    /// a second row that requests the same response. Returns the references used.
    private func attach(_ evidence: [Evidence], toOpenFor intent: ActionIntent, note key: String?) throws -> Set<String>
    {
        guard let response = intent.response,
            let open = try ledger.openRecord(response: response, target: intent.target)
        else { return [] }
        if let key {
            try step(open.id, .evidenceAdded, detail: "the same response was derived again as \(key)")
        }
        var used: Set<String> = []
        for item in evidence where concerns(item, intent.target) {
            try appendEvidence(open.id, reference: item.reference)
            used.insert(item.reference)
        }
        return used
    }

    /// Adds each piece of evidence to the open actions of the VM it is pinned on. Evidence pinned
    /// on no VM is reported once as unattributed.
    func routeEvidence(_ evidence: [Evidence]) throws {
        let current = inventory()
        for item in evidence {
            var vmID = item.vmID
            var doubt = "it names no source address"
            if vmID == nil, let address = item.sourceAddress {
                let attribution = SourceAttribution.attribute(address: address, mac: item.sourceMAC, inventory: current)
                vmID = attribution.port?.deviceID
                doubt = attribution.doubt(address: address, inventory: current)?.1 ?? doubt
            }
            guard let vmID, !vmID.isEmpty else {
                emit(.unattributedEvidence(item, reason: doubt))
                continue
            }
            for record in try ledger.openRecords(vmID: vmID) {
                try appendEvidence(record.id, reference: item.reference)
            }
        }
    }

    func appendEvidence(_ id: Int64, reference: String) throws {
        let now = clock.now
        guard try ledger.appendEvidence(id, reference: reference, at: now), let record = try ledger.record(id) else {
            return
        }
        emit(
            .action(ActionEvent(actionID: id, at: now, kind: .evidenceAdded, actor: "agora", detail: reference), record)
        )
    }

    /// Writes one timeline step with its change and sends it to subscribers.
    @discardableResult
    func step(
        _ id: Int64, _ kind: ActionEventKind, actor: String = "agora", detail: String,
        _ change: (inout ActionRecord) -> Void = { _ in }
    ) throws -> ActionRecord {
        let now = clock.now
        let record = try ledger.transition(id, event: kind, actor: actor, detail: detail, at: now, change)
        emit(.action(ActionEvent(actionID: id, at: now, kind: kind, actor: actor, detail: detail), record))
        return record
    }

    func emit(_ event: EnforcementEvent) {
        for subscriber in subscribers { subscriber(event) }
        for stream in streams { stream.yield(event) }
    }

    func backend(for response: ResponseKind) -> (any ActionBackend)? {
        backends.first { $0.supports(response) }
    }
}
