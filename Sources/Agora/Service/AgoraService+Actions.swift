import Foundation
import OpenStack

extension AgoraService {
    /// The actions of an incident as the API shows them.
    public func actionsJSON(incident: String, withEvents: Bool) -> [JSON] {
        []
    }

    /// Approves every action of the incident that waits for an operator.
    public func approveIncident(_ id: String, by actor: String) async throws -> [JSON] {
        []
    }

    /// Releases every response of the incident, restoring what it changed.
    public func releaseIncident(_ id: String, by actor: String) async throws -> [JSON] {
        _ = try incidents.setState(id, .released, by: actor)
        return []
    }
}
