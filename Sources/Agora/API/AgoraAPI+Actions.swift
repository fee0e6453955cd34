import Enforcement
import Foundation
import OpenStack

extension AgoraAPI {
    /// `/v1/actions[/{id}]`.
    func actions(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        let principal = request.principal
        let projects = service.projectOfServers()
        let visible = { (record: ActionRecord) -> Bool in
            principal.isAdmin
                || principal.sees(project: record.target.projectID ?? record.target.vmID.flatMap { projects[$0] })
        }
        if path.isEmpty {
            guard request.method == "GET" else { throw unsupported(request) }
            var records = service.actionRecords().filter(visible)
            if let state = request.parameter("state") { records = records.filter { $0.state.rawValue == state } }
            if let incident = request.parameter("incident_id") {
                let ids = Set(service.actions(ofIncident: incident).map(\.id))
                records = records.filter { ids.contains($0.id) }
            }
            return .json(["results": .array(records.map { ActionJSON.json($0) })])
        }
        guard path.count == 1, let id = Int64(path[0]),
            let record = service.actionRecords().first(where: { $0.id == id }), visible(record)
        else { throw APIFailure.notFound("No action with id \(path[0])") }
        guard let enforcer = service.enforcement?.enforcer else {
            throw APIFailure(status: 409, code: 409, message: "Conflict::enforcement is not running on this server")
        }
        switch request.method {
        case "GET":
            return .json(ActionJSON.json(record, events: try enforcer.ledger.events(of: record.id)))
        case "POST":
            try requireOperator(request)
            let actor = principal.user
            let body = try request.object()
            let updated: ActionRecord
            switch try rpcAction(request) {
            case "approve":
                let override = body["override"]?.boolValue ?? false
                if override { try requireAdmin(request) }
                updated = try runBlocking { try await enforcer.approve(id, by: actor, override: override) }
            case "release": updated = try runBlocking { try await enforcer.release(id, by: actor) }
            case "refuse":
                let reason = body["reason"]?.stringValue ?? "refused by \(actor)"
                updated = try runBlocking { try await enforcer.refuse(id, by: actor, reason: reason) }
            default:
                throw APIFailure(status: 501, code: 501, message: "Not Implemented::\(request.parameter("action")!)")
            }
            return .json(ActionJSON.json(updated, events: try enforcer.ledger.events(of: id)))
        default: throw unsupported(request)
        }
    }
}
