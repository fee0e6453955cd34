import Enforcement
import Foundation
import OpenStack

extension AgoraService {
    /// Every action record of the ledger, newest first; empty without enforcement.
    public func actionRecords() -> [ActionRecord] {
        guard let ledger = enforcement?.enforcer.ledger else { return [] }
        return ((try? ledger.allRecords()) ?? []).sorted { $0.id > $1.id }
    }

    /// The actions that belong to an incident: linked by id, or aimed at its VM under its policy
    /// since it opened.
    public func actions(ofIncident id: String) -> [ActionRecord] {
        guard let incident = try? incidents.store.incident(id) else { return [] }
        return actions(of: incident, among: actionRecords())
    }

    /// The records of `records` that belong to `incident`, by the same test as `actions(ofIncident:)`. Callers
    /// that list many incidents read the ledger once and pass it here.
    public func actions(of incident: Incident, among records: [ActionRecord]) -> [ActionRecord] {
        let opened = incident.firstSeen.timeIntervalSince1970 - 1
        return records.filter { record in
            record.incidentID == incident.id
                || (record.incidentID == nil && record.target.vmID == incident.vmID && record.policy == incident.policy
                    && record.requestedAt >= opened)
        }
    }

    /// The actions of an incident as the API shows them.
    public func actionsJSON(incident: String, withEvents: Bool) -> [JSON] {
        actions(ofIncident: incident).map { record in
            ActionJSON.json(
                record, events: withEvents ? (try? enforcement?.enforcer.ledger.events(of: record.id)) : nil)
        }
    }

    private func requireEnforcement() throws -> Enforcer {
        guard let enforcer = enforcement?.enforcer else {
            throw APIFailure(status: 409, code: 409, message: "Conflict::enforcement is not running on this server")
        }
        return enforcer
    }

    /// Approves every action of the incident that waits for an operator.
    public func approveIncident(_ id: String, by actor: String) async throws -> [JSON] {
        let enforcer = try requireEnforcement()
        var results: [JSON] = []
        for record in actions(ofIncident: id) where record.state == .held {
            let approved = try await enforcer.approve(record.id, by: actor)
            results.append(ActionJSON.json(approved))
        }
        return results
    }

    /// Releases every response of the incident that took effect, restoring what it changed
    /// and reading it back; the incident becomes `released`.
    public func releaseIncident(_ id: String, by actor: String) async throws -> [JSON] {
        let enforcer = try requireEnforcement()
        var results: [JSON] = []
        for record in actions(ofIncident: id) where [.executed, .verified, .unverified].contains(record.state) {
            let released = try await enforcer.release(record.id, by: actor)
            results.append(ActionJSON.json(released))
        }
        _ = try incidents.setState(id, .released, by: actor)
        return results
    }
}
