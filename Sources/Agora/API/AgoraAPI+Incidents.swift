import Enforcement
import Foundation
import OpenStack

extension AgoraAPI {
    /// The list form of an incident: without the proof and the evidence lines. `ledger` is every action
    /// record, read once for the whole list.
    func incidentSummary(_ incident: Incident, ledger: [ActionRecord]) -> JSON {
        guard case .object(var members) = incident.json else { return incident.json }
        members["proof"] = nil
        members["evidence"] = nil
        members["actions"] = .array(service.actions(of: incident, among: ledger).map { ActionJSON.json($0) })
        return .object(members)
    }

    func incidentDetail(_ incident: Incident) -> JSON {
        guard case .object(var members) = incident.json else { return incident.json }
        members["actions"] = .array(service.actionsJSON(incident: incident.id, withEvents: true))
        return .object(members)
    }

    /// Default page size of `GET /v1/incidents`, and the largest `limit` it accepts.
    static let defaultIncidentPage = 500
    static let maximumIncidentPage = 1000

    /// `GET /v1/incidents`: one page, newest first, with `next_marker` set when a full page leaves more to read.
    private func incidentList(_ request: APIRequest) throws -> APIResponse {
        var state: Incident.State?
        if let text = request.parameter("state"), !text.isEmpty {
            guard let parsed = Incident.State(rawValue: text) else {
                throw APIFailure.badRequest(
                    "unknown state \(text); use \(Incident.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        }

        var limit = Self.defaultIncidentPage
        if let text = request.parameter("limit") {
            guard let parsed = Int(text), (1...Self.maximumIncidentPage).contains(parsed) else {
                throw APIFailure.badRequest(
                    "invalid limit \(text); use a whole number from 1 to \(Self.maximumIncidentPage)")
            }
            limit = parsed
        }

        var projects = request.principal.visibleProjects
        if let project = request.parameter("project_id"), !project.isEmpty {
            projects = projects.map { $0.intersection([project]) } ?? [project]
        }

        let marker = request.parameter("marker").flatMap { $0.isEmpty ? nil : $0 }
        if let marker {
            guard let last = try service.incidents.store.incident(marker),
                request.principal.sees(project: last.projectID)
            else { throw APIFailure.badRequest("invalid marker \(marker): no incident has this id") }
        }
        let page = try service.incidents.store.list(state: state, projects: projects, after: marker, limit: limit)
        let ledger = service.actionRecords()
        let nextMarker: JSON = page.count == limit ? .string(page[page.count - 1].id) : .null
        return .json(["results": .array(page.map { incidentSummary($0, ledger: ledger) }), "next_marker": nextMarker])
    }

    /// `/v1/incidents[/{id}[/notes]]`.
    func incidents(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        let store = service.incidents.store
        if path.isEmpty {
            guard request.method == "GET" else { throw unsupported(request) }
            return try incidentList(request)
        }
        guard let incident = try store.incident(path[0]), request.principal.sees(project: incident.projectID) else {
            throw APIFailure.notFound("No incident with id \(path[0])")
        }
        if path.count == 2 && path[1] == "notes" {
            guard request.method == "POST" else { throw unsupported(request) }
            try requireOperator(request)
            guard let text = try request.object()["text"]?.stringValue else {
                throw APIFailure.badRequest("a note needs {\"text\": \"...\"}")
            }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw APIFailure.badRequest("the note's text is empty")
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
