import Enforcement
import Foundation
import OpenStack

/// Actions as the API and the event stream show them.
public enum ActionJSON {
    static func time(_ seconds: Double?) -> JSON {
        seconds.map { .string(Timestamps.text(Date(timeIntervalSince1970: $0))) } ?? .null
    }

    public static func json(_ record: ActionRecord, events: [ActionEvent]? = nil) -> JSON {
        var object: [String: JSON] = [
            "id": .int(record.id), "key": .string(record.key), "policy": .string(record.policy),
            "action": .string(record.action), "arguments": .string(record.arguments),
            "response": record.response.map { .string($0.rawValue) } ?? .null,
            "target": [
                "vm_id": record.target.vmID.map { .string($0) } ?? .null,
                "address": record.target.address.map { .string($0) } ?? .null,
                "project_id": record.target.projectID.map { .string($0) } ?? .null,
            ],
            "state": .string(record.state.rawValue), "reason_code": .string(record.reasonCode),
            "reason": .string(record.reason), "incident_id": record.incidentID.map { .string($0) } ?? .null,
            "attempts": .int(Int64(record.attempts)), "requested_at": time(record.requestedAt),
            "decided_at": time(record.decidedAt), "decided_by": record.decidedBy.map { .string($0) } ?? .null,
            "executed_at": time(record.executedAt), "backend": record.backend.map { .string($0) } ?? .null,
            "result": .string(record.result),
            "changes": .array(
                record.changes.map {
                    [
                        "kind": .string($0.kind), "resource": .string($0.resource), "before": .string($0.before),
                        "after": .string($0.after), "method": .string($0.method),
                    ]
                }),
            "verified_at": time(record.verifiedAt), "released_at": time(record.releasedAt),
            "released_by": record.releasedBy.map { .string($0) } ?? .null, "release_due": time(record.releaseDue),
            "evidence": .array(record.evidence.map { .string($0) }),
        ]
        if let events {
            object["events"] = .array(
                events.map {
                    [
                        "at": time($0.at), "kind": .string($0.kind.rawValue), "actor": .string($0.actor),
                        "detail": .string($0.detail),
                    ]
                })
        }
        return .object(object)
    }
}
