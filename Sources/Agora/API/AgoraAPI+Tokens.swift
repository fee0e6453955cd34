import Foundation
import OpenStack
import Store

extension AgoraAPI {
    /// Longest accepted key name, in characters.
    static let maximumTokenNameLength = 200

    /// `/v1/tokens[/{id}]`: Agora's API keys, for admins only. The plaintext of a key is in the
    /// response to the `POST` that creates it and nowhere else, because the store keeps only its hash.
    func tokens(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        try requireAdmin(request)
        let records = TokenRecords(database: service.database)
        let audit = AuditActor(user: request.principal.user, project: request.principal.projectID)

        switch (request.method, path.count) {
        case ("GET", 0):
            return .json(["results": .array(try records.list().map(Self.tokenJSON))])
        case ("POST", 0):
            let (name, role, projectID) = try newTokenFields(request.object())
            let issued = try records.create(name: name, role: role, projectID: projectID, audit: audit)
            var members = Self.tokenMembers(issued.record)
            members["token"] = .string(issued.plaintext)
            return .json(.object(members), status: 201)
        case ("GET", 1):
            guard let record = try records.list().first(where: { $0.id == path[0] }) else {
                throw APIFailure.notFound("No API key with id \(path[0])")
            }
            return .json(Self.tokenJSON(record))
        case ("DELETE", 1):
            do {
                try records.revoke(id: path[0], audit: audit)
            } catch StoreError.notFound {
                throw APIFailure.notFound("No API key with id \(path[0])")
            }
            return APIResponse(status: 204, headers: [], body: [])
        case (_, 0), (_, 1):
            throw unsupported(request)
        default:
            throw APIFailure.notFound("no resource /v1/tokens/\(path.joined(separator: "/"))")
        }
    }

    /// Checks the body of `POST /v1/tokens`: `name` (required), `role` (default viewer), `project_id`.
    private func newTokenFields(_ body: [String: JSON]) throws(APIFailure) -> (String, TokenRole, String?) {
        guard let name = body["name"]?.stringValue?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw .badRequest("the key name is missing; send {\"name\": \"...\"}")
        }
        guard name.count <= Self.maximumTokenNameLength else {
            throw .badRequest("the key name is \(name.count) characters; the maximum is \(Self.maximumTokenNameLength)")
        }
        let roleText = body["role"]?.stringValue ?? TokenRole.viewer.rawValue
        guard let role = TokenRole(rawValue: roleText) else {
            let roles = TokenRole.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badRequest("invalid role \(roleText); use \(roles)")
        }
        var projectID: String?
        switch body["project_id"] {
        case nil, .null?: projectID = nil
        case .string(let text)?: projectID = text.isEmpty ? nil : text
        default: throw .badRequest("project_id must be a string or null")
        }
        return (name, role, projectID)
    }

    /// Returns the key as the API shows it: everything but the hash.
    static func tokenJSON(_ record: TokenRecord) -> JSON { .object(tokenMembers(record)) }

    private static func tokenMembers(_ record: TokenRecord) -> [String: JSON] {
        [
            "id": .string(record.id), "name": .string(record.name), "role": .string(record.role.rawValue),
            "project_id": record.projectID.map { .string($0) } ?? .null,
            "created_at": .string(Timestamps.text(record.createdAt)),
            "last_used_at": record.lastUsedAt.map { .string(Timestamps.text($0)) } ?? .null,
            "revoked": .bool(record.revoked),
        ]
    }
}
