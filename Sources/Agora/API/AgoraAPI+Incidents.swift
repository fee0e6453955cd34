import Foundation
import OpenStack

extension AgoraAPI {
    /// The list form of an incident: without the proof and the evidence lines.
    func incidentSummary(_ incident: Incident) -> JSON {
        guard case .object(var members) = incident.json else { return incident.json }
        members["proof"] = nil
        members["evidence"] = nil
        members["actions"] = .array(service.actionsJSON(incident: incident.id, withEvents: false))
        return .object(members)
    }

    func incidentDetail(_ incident: Incident) -> JSON {
        guard case .object(var members) = incident.json else { return incident.json }
        members["actions"] = .array(service.actionsJSON(incident: incident.id, withEvents: true))
        return .object(members)
    }

    /// `/v1/incidents[/{id}[/notes]]`.
    func incidents(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        let store = service.incidents.store
        if path.isEmpty {
            guard request.method == "GET" else { throw unsupported(request) }
            var state: Incident.State?
            if let text = request.parameter("state") {
                guard let parsed = Incident.State(rawValue: text) else {
                    throw APIFailure.badRequest(
                        "unknown state \(text); use \(Incident.State.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                state = parsed
            }
            var incidents = try store.list(state: state, projects: request.principal.visibleProjects)
            if let project = request.parameter("project_id") {
                incidents = incidents.filter { $0.projectID == project }
            }
            return .json(["results": .array(incidents.map(incidentSummary))])
        }
        guard let incident = try store.incident(path[0]), request.principal.sees(project: incident.projectID) else {
            throw APIFailure.notFound("No incident with id \(path[0])")
        }
        if path.count == 2 && path[1] == "notes" {
            guard request.method == "POST" else { throw unsupported(request) }
            try requireOperator(request)
            guard let text = try request.object()["text"]?.stringValue, !text.isEmpty else {
                throw APIFailure.badRequest("a note needs {\"text\": \"...\"}")
            }
            let noted = try service.incidents.addNote(incident.id, author: request.principal.user, text: text)
            return .json(incidentDetail(noted ?? incident), status: 201)
        }
        guard path.count == 1 else { throw APIFailure.notFound("no such incident resource") }
        switch request.method {
        case "GET": return .json(incidentDetail(incident))
        case "POST":
            try requireOperator(request)
            let actor = request.principal.user
            switch try rpcAction(request) {
            case "approve":
                return .json([
                    "results": .array(
                        try runBlocking { [service] in try await service.approveIncident(incident.id, by: actor) })
                ])
            case "release":
                return .json([
                    "results": .array(
                        try runBlocking { [service] in try await service.releaseIncident(incident.id, by: actor) })
                ])
            case "resolve":
                let note = try request.object()["note"]?.stringValue
                let resolved = try service.incidents.setState(incident.id, .resolved, by: actor, note: note)
                return .json(incidentDetail(resolved ?? incident))
            default:
                throw APIFailure(status: 501, code: 501, message: "Not Implemented::\(request.parameter("action")!)")
            }
        default: throw unsupported(request)
        }
    }
}

/// Runs an async operation to completion from a synchronous handler thread.
func runBlocking<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let semaphore = DispatchSemaphore(value: 0)
    Task {
        do {
            box.value = .success(try await operation())
        } catch {
            box.value = .failure(error)
        }
        semaphore.signal()
    }
    semaphore.wait()
    return try box.value!.get()
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: Result<T, Error>?
}
