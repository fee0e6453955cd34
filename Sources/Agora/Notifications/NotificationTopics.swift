import Foundation
import OpenStack

/// The rules that pick the events worth a notification and give each its dedupe key and incident.
///
/// The key is the event kind, the incident or action id, and the step. An incident's step is its
/// count of `error` rows, which differs between two containments because only a new row reopens
/// a released incident. An action's step is its attempt count and the time of the ledger step.
/// Unattributed evidence notifies once per evidence reference and address.
public enum NotificationTopics {
    public static let incidentKinds: Set<String> = [
        "incident.opened", "incident.contained", "incident.released", "incident.resolved",
    ]
    public static let actionKinds: Set<String> = [
        "action.held", "action.failed", "action.escalated", "action.verified", "action.release_failed",
    ]
    public static let otherKinds: Set<String> = ["evidence.unattributed", "action.mass_held"]

    /// Returns the dedupe key and incident id of an event worth telling, or nil for other events.
    /// `activeIncident` returns the open incident of a policy and VM, for actions not linked yet.
    public static func classify(
        _ event: AgoraEvent, activeIncident: (_ policy: String, _ vmID: String) -> String?
    ) -> (dedupeKey: String, incidentID: String?)? {
        let payload = event.payload
        if incidentKinds.contains(event.kind) {
            guard let id = payload["id"]?.stringValue else { return nil }
            if event.kind == "incident.opened" { return (openedKey(incidentID: id), id) }
            let step = payload["error_rows"]?.intValue ?? 0
            return ("\(event.kind):\(id):\(step)", id)
        }
        if actionKinds.contains(event.kind) {
            guard let id = payload["id"]?.intValue else { return nil }
            let attempts = payload["attempts"]?.intValue ?? 0
            let stepTime = payload["events"]?.arrayValue?.last?["at"]?.stringValue ?? ""
            var incident = payload["incident_id"]?.stringValue
            if incident == nil, let policy = payload["policy"]?.stringValue,
                let vmID = payload["target"]?["vm_id"]?.stringValue
            {
                incident = activeIncident(policy, vmID)
            }
            return ("\(event.kind):\(id):\(attempts):\(stepTime)", incident)
        }
        switch event.kind {
        case "evidence.unattributed":
            let reference = payload["reference"]?.stringValue ?? ""
            let address = payload["source_ip"]?.stringValue ?? ""
            return ("\(event.kind):\(reference):\(address)", nil)
        case "action.mass_held":
            let ids = (payload["action_ids"]?.arrayValue ?? []).compactMap(\.intValue).map(String.init)
            let policy = payload["policy"]?.stringValue ?? ""
            return ("\(event.kind):\(policy):\(ids.joined(separator: ","))", nil)
        default:
            return nil
        }
    }

    /// Returns the key of an incident's `incident.opened` notification.
    public static func openedKey(incidentID: String) -> String { "incident.opened:\(incidentID)" }
}
