import Datalog
import Foundation
import OpenStack

/// Opens and updates incidents from the `error` rows that policies derive.
///
/// An incident opens on the first `error` row for a VM under a policy and collects every later
/// row for that VM until an operator resolves it. Rows are read as `error(vm, source_ip,
/// external_ip, tenant, ...)`; a policy whose `error` rows are narrower still opens incidents,
/// with the columns it has.
public final class IncidentTracker: @unchecked Sendable {
    public let store: IncidentStore
    private let engine: PolicyEngine
    private let events: EventBus
    private let clock: @Sendable () -> Date
    private let lock = NSLock()
    /// Evidence samples kept per incident.
    public var evidenceLimit = 20

    public init(store: IncidentStore, engine: PolicyEngine, events: EventBus, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.engine = engine
        self.events = events
        self.clock = clock
    }

    /// Reads the `error` rows inserted by one engine update and returns the incidents opened or
    /// changed, saved.
    @discardableResult
    public func observe(_ deltas: [TableDelta]) throws -> [Incident] {
        lock.lock()
        defer { lock.unlock() }
        var changed: [String: Incident] = [:]
        for delta in deltas where delta.table.hasSuffix(":error") && !delta.inserted.isEmpty {
            let policy = String(delta.table.dropLast(":error".count))
            guard !policy.contains(":") else { continue }
            for row in delta.inserted {
                guard let vmID = row.first?.string else { continue }
                let key = policy + "\u{0}" + vmID
                var incident: Incident
                var isNew = false
                if let known = changed[key] {
                    incident = known
                } else if let stored = try store.active(policy: policy, vmID: vmID) {
                    incident = stored
                } else {
                    incident = open(policy: policy, vmID: vmID, row: row)
                    isNew = true
                }
                record(row, policy: policy, in: &incident, first: isNew)
                changed[key] = incident
            }
        }
        for incident in changed.values.sorted(by: { $0.firstSeen < $1.firstSeen }) {
            try store.save(incident)
            let kind = incident.errorRows == 1 ? "incident.opened" : "incident.updated"
            events.publish(AgoraEvent(kind: kind, projectID: incident.projectID, payload: incident.json))
        }
        return Array(changed.values)
    }

    /// Changes an incident's state and tells subscribers; returns nil for an unknown id.
    @discardableResult
    public func setState(_ id: String, _ state: Incident.State, by actor: String, note: String? = nil) throws
        -> Incident?
    {
        lock.lock()
        defer { lock.unlock() }
        guard var incident = try store.incident(id) else { return nil }
        incident.state = state
        if let note { incident.notes.append(Incident.Note(at: clock(), author: actor, text: note)) }
        try store.save(incident)
        events.publish(
            AgoraEvent(kind: "incident.\(state.rawValue)", projectID: incident.projectID, payload: incident.json))
        return incident
    }

    /// Adds an operator's note; returns nil for an unknown id.
    @discardableResult
    public func addNote(_ id: String, author: String, text: String) throws -> Incident? {
        lock.lock()
        defer { lock.unlock() }
        guard var incident = try store.incident(id) else { return nil }
        incident.notes.append(Incident.Note(at: clock(), author: author, text: text))
        try store.save(incident)
        events.publish(AgoraEvent(kind: "incident.noted", projectID: incident.projectID, payload: incident.json))
        return incident
    }

    /// Records that the guard could not pin the source address on this VM.
    public func warnAttribution(_ id: String, _ warning: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard var incident = try store.incident(id), incident.attributionWarning != warning else { return }
        incident.attributionWarning = warning
        try store.save(incident)
        events.publish(AgoraEvent(kind: "incident.updated", projectID: incident.projectID, payload: incident.json))
    }

    // MARK: Building

    private func open(policy: String, vmID: String, row: Row) -> Incident {
        let now = clock()
        let server = engine.withRuntime { runtime in
            runtime.rows(of: "nova:servers", column: 0, equals: .string(vmID)).first
        }
        let tenant = row.count > 3 ? row[3].string : nil
        return Incident(
            id: UUID().uuidString.lowercased(), policy: policy, vmID: vmID,
            vmName: server.flatMap { $0.count > 1 ? $0[1].string : nil } ?? "",
            projectID: tenant ?? server.flatMap { $0.count > 4 ? $0[4].string : nil } ?? "",
            sourceIP: row.count > 1 ? row[1].string ?? "" : "", externalIPs: [], state: .open, firstSeen: now,
            lastSeen: now, errorRows: 0, evidence: [], proof: .null, attributionWarning: nil, notes: [])
    }

    private func record(_ row: Row, policy: String, in incident: inout Incident, first: Bool) {
        let now = clock()
        incident.errorRows += 1
        incident.lastSeen = now
        if incident.state == .released { incident.state = .open }
        let external = row.count > 2 ? row[2].string : nil
        if let external, !incident.externalIPs.contains(external) { incident.externalIPs.append(external) }
        let atom = "error(" + row.map(\.description).joined(separator: ", ") + ")"

        engine.withRuntime { runtime in
            if incident.proof == .null, let proof = try? runtime.explain(atom, in: policy).first?.proof {
                incident.proof = ProofJSON.json(proof, relativeTo: policy)
            }
            guard let source = row.count > 1 ? row[1].string : nil, let external else { return }
            for line in Self.evidence(runtime, source: source, external: external) {
                incident.evidence.append(Incident.Evidence(table: line.table, row: line.row, at: now))
            }
        }
        if incident.evidence.count > evidenceLimit {
            incident.evidence.removeFirst(incident.evidence.count - evidenceLimit)
        }
    }

    /// The IDS records between the two addresses and the blocklist entries that list the external one.
    static func evidence(_ runtime: PolicyRuntime, source: String, external: String) -> [(table: String, row: String)] {
        var lines: [(table: String, row: String)] = []
        let format = { (table: String, row: Row) in table + "(" + row.map(\.description).joined(separator: ", ") + ")" }
        let alerts = runtime.rows(of: "ids:alerts", column: 3, equals: .string(source)).filter {
            $0.count > 5 && $0[5].string == external
        }
        for alert in alerts.suffix(5) { lines.append(("ids:alerts", format("ids:alerts", alert))) }
        if alerts.isEmpty, runtime.rowCount(of: "ids:ip_packet") > 0 {
            lines.append(("ids:ip_packet", format("ids:ip_packet", [.string(source), .string(external)])))
        }
        if runtime.rows(of: "ids:ip_blacklist").contains([.string(external)]) {
            lines.append(("ids:ip_blacklist", format("ids:ip_blacklist", [.string(external)])))
        }
        let query = "blocklist:networks(n, f, c), ip_in_network(\(Value.string(external).description), n)"
        if runtime.kind(of: "blocklist") != nil,
            let matches = try? runtime.query("q(n, f, c) :- " + query, in: "classification")
        {
            for match in matches.prefix(3) { lines.append(("blocklist:networks", match)) }
        }
        return lines
    }
}
