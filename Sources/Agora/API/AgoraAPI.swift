import Datalog
import Enforcement
import Foundation
import OpenStack

/// The REST API: Congress's v1 resources and Agora's additions, as functions from a request
/// to a response. The HTTP server hands every request here; nothing in this layer knows about
/// sockets.
public final class AgoraAPI: @unchecked Sendable {
    public let service: AgoraService

    public init(service: AgoraService) { self.service = service }

    /// Answers one request. Errors become Congress's error body; nothing here throws out.
    public func handle(_ request: APIRequest) -> APIResponse {
        do {
            return try route(request)
        } catch let failure as APIFailure {
            return failure.response
        } catch let error as CatalogError {
            return error.failure.response
        } catch let error as DatalogError {
            return error.failure.response
        } catch let error as EnforcementError {
            return APIFailure(status: 409, code: 409, message: "Conflict::\(error)").response
        } catch {
            service.logger.error(
                "request failed",
                metadata: ["path": "/" + request.segments.joined(separator: "/"), "error": "\(error)"])
            return APIFailure(status: 500, code: 500, message: "Internal server error").response
        }
    }

    private func route(_ request: APIRequest) throws -> APIResponse {
        let path = request.segments
        if path.isEmpty { return versions(request, root: true) }
        guard path[0] == "v1" else { return versions(request, root: false) }
        if path.count == 1 { return version() }
        let rest = Array(path.dropFirst())
        switch rest[0] {
        case "policies": return try policies(request, Array(rest.dropFirst()))
        case "data-sources": return try dataSources(request, Array(rest.dropFirst()))
        case "system": return try system(request, Array(rest.dropFirst()))
        case "incidents": return try incidents(request, Array(rest.dropFirst()))
        case "actions": return try actions(request, Array(rest.dropFirst()))
        case "librarypolicies": return try library(request, Array(rest.dropFirst()))
        case "tokens": return try tokens(request, Array(rest.dropFirst()))
        case "whoami": return whoami(request)
        default: throw APIFailure.notFound("no resource /\(path.joined(separator: "/"))")
        }
    }

    /// Congress's 501 for a method a route lacks.
    func unsupported(_ request: APIRequest) -> APIFailure {
        APIFailure(status: 501, code: 501, message: "Method not supported: \(request.method)")
    }

    /// The `?action=` of an RPC call on an element URL, with Congress's checks.
    func rpcAction(_ request: APIRequest) throws(APIFailure) -> String {
        let actions = request.parameters("action")
        if actions.isEmpty { throw APIFailure(status: 400, code: 400, message: "Missing required action parameter.") }
        if actions.count > 1 {
            throw APIFailure(status: 400, code: 400, message: "Action parameter may not be provided multiple times.")
        }
        return actions[0].replacingOccurrences(of: "-", with: "_")
    }

    func requireOperator(_ request: APIRequest) throws(APIFailure) {
        if !request.principal.canOperate { throw .forbidden("this needs the operator or admin role") }
    }

    /// Admins change any policy; an operator changes only the policies its project owns.
    func requirePolicyWriter(_ request: APIRequest, _ policy: PolicyInfo) throws(APIFailure) {
        try requireOperator(request)
        let principal = request.principal
        if principal.isAdmin { return }
        guard let project = principal.projectID, policy.ownerID == project else {
            throw .forbidden(
                "policy \(policy.name) belongs to \(policy.ownerID == "user" ? "the administrators" : "project \(policy.ownerID)"); "
                    + "only an admin or an operator of its project may change it")
        }
    }

    func requireAdmin(_ request: APIRequest) throws(APIFailure) {
        if !request.principal.isAdmin { throw .forbidden("this needs the admin role") }
    }

    // MARK: Versions

    private static let versionUpdated = "2013-08-12T17:42:13Z"

    private func versionObject(base: String) -> JSON {
        .object([
            "id": "v1", "status": "CURRENT", "updated": .string(Self.versionUpdated),
            "links": [["rel": "self", "href": .string(base + "v1/")]],
        ])
    }

    private func base(_ request: APIRequest) -> String {
        let host = request.headers["host"] ?? "127.0.0.1:\(service.configuration.bindPort)"
        return "http://\(host)/"
    }

    private func versions(_ request: APIRequest, root: Bool) -> APIResponse {
        let object = versionObject(base: base(request))
        if root { return .json(["versions": [object]]) }
        return .json(["choices": [object]], status: 300)
    }

    private func version() -> APIResponse {
        .json([
            "version": .object([
                "id": "v1", "status": "CURRENT", "updated": .string(Self.versionUpdated),
                "links": [
                    ["rel": "self", "href": "/v1/"],
                    ["rel": "describedby", "type": "text/html", "href": "/v1/openapi.json"],
                ],
            ])
        ])
    }

    private func whoami(_ request: APIRequest) -> APIResponse {
        let principal = request.principal
        return .json([
            "user": .string(principal.user), "project_id": principal.projectID.map { .string($0) } ?? .null,
            "roles": .array(principal.roles.sorted().map { .string($0) }),
            "projects": .array((principal.visibleProjects.map { Array($0) } ?? []).sorted().map { .string($0) }),
        ])
    }
}
