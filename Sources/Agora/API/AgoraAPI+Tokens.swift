import Foundation
import OpenStack
import Store

extension AgoraAPI {
    /// The maximum length of a key name, in characters.
    static let maxTokenNameLength = 200

    func tokenFields(_ record: TokenRecord) -> [String: JSON] {
        [
            "id": .string(record.id), "name": .string(record.name), "role": .string(record.role.rawValue),
            "project_id": record.projectID.map { .string($0) } ?? .null,
            "created_at": .string(Timestamps.text(record.createdAt)),
            "last_used_at": record.lastUsedAt.map { .string(Timestamps.text($0)) } ?? .null,
            "revoked": .bool(record.revoked),
        ]
    }

    /// `/v1/tokens[/{id}]`: Agora's API keys, for admins only. The store keeps only each key's
    /// hash, so the plaintext appears once, in the response that creates the key.
    func tokens(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        try requireAdmin(request)
        let records = TokenRecords(database: service.database)
        let audit = AuditActor(user: request.principal.user, project: request.principal.projectID)

        if path.isEmpty {
            switch request.method {
            case "GET": return .json(["results": .array(try records.list().map { .object(tokenFields($0)) })])
            case "POST":
                let (name, role, project) = try tokenRequest(request)
                let issued = try records.create(name: name, role: role, projectID: project, audit: audit)
                service.logger.info(
                    "created an API key",
                    metadata: ["token": issued.record.id, "role": role.rawValue, "by": request.principal.user])
                var body = tokenFields(issued.record)
                body["token"] = .string(issued.plaintext)
                return created(request, .object(body), id: issued.record.id)
            default: throw unsupported(request)
            }
        }

        guard path.count == 1 else { throw APIFailure.notFound("no such token resource") }
        guard let record = try records.list().first(where: { $0.id == path[0] }) else {
            throw APIFailure.notFound("No API key with id \(path[0])")
        }
        switch request.method {
        case "GET": return .json(.object(tokenFields(record)))
        case "DELETE":
            try records.revoke(id: record.id, audit: audit)
            service.logger.info("revoked an API key", metadata: ["token": record.id, "by": request.principal.user])
            var revoked = record
            revoked.revoked = true
            return .json(.object(tokenFields(revoked)))
        default: throw unsupported(request)
        }
    }

    /// Reads and checks `{"name", "role", "project_id"?}`.
    private func tokenRequest(_ request: APIRequest) throws(APIFailure) -> (String, TokenRole, String?) {
        let body = try request.object()
        guard let name = body["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .badRequest("a key needs a name: {\"name\": \"...\", \"role\": \"admin|operator|viewer\"}")
        }
        if name.count > Self.maxTokenNameLength {
            throw .badRequest("the key name is \(name.count) characters long; the limit is \(Self.maxTokenNameLength)")
        }
        let roles = TokenRole.allCases.map(\.rawValue).joined(separator: ", ")
        guard let roleText = body["role"]?.stringValue else {
            throw .badRequest("a key needs a role: one of \(roles)")
        }
        guard let role = TokenRole(rawValue: roleText) else {
            throw .badRequest("invalid role '\(roleText)': use one of \(roles)")
        }
        var project: String?
        if let value = body["project_id"], value != .null {
            guard let text = value.stringValue, !text.isEmpty else {
                throw .badRequest("project_id must be a non-empty string or null")
            }
            project = text
        }
        // Only admins see data outside their own project, so a non-admin key without one
        // would see nothing at all.
        if role != .admin && project == nil {
            throw .badRequest("a key with role \(role.rawValue) needs a project_id")
        }
        return (name, role, project)
    }
}
