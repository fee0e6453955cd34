import Foundation

/// Neutron's v2.0 API: listings of every resource a policy reads, and the port and security
/// group calls the actions make.
public struct NeutronClient: Sendable {
    public let service: ServiceClient
    /// Items per page for listings, so that large clouds come back in bounded responses.
    public var pageSize: Int?

    public init(session: Session, pageSize: Int? = 1000) {
        service = ServiceClient(session: session, serviceType: "network", versionPath: "/v2.0")
        self.pageSize = pageSize
    }

    /// The URL path and response key of each resource collection.
    public static let collections: [String: String] = [
        "networks": "/networks", "ports": "/ports", "subnets": "/subnets", "routers": "/routers",
        "security_groups": "/security-groups", "security_group_rules": "/security-group-rules",
        "floatingips": "/floatingips",
    ]

    /// Lists one collection (`ports`, `security_groups`, ...) with optional filters, every page.
    public func list(_ collection: String, query: [(String, String)] = []) async throws -> [JSON] {
        guard let path = NeutronClient.collections[collection] else {
            throw OpenStackError.invalidConfiguration(
                key: "collection", value: collection,
                fix: "use one of \(NeutronClient.collections.keys.sorted().joined(separator: ", "))")
        }
        return try await service.list(path, key: collection, query: query, pageSize: pageSize)
    }

    /// Lists `id` and `revision_number` of one collection, the cheap first step of a poll.
    public func listRevisions(_ collection: String) async throws -> [RevisionEntry] {
        guard let path = NeutronClient.collections[collection] else {
            throw OpenStackError.invalidConfiguration(
                key: "collection", value: collection,
                fix: "use one of \(NeutronClient.collections.keys.sorted().joined(separator: ", "))")
        }
        return try await service.listRevisions(path, pageSize: pageSize)
    }

    public func showPort(_ id: String) async throws -> JSON {
        try await service.get("/ports/\(percentEncode(id))")["port"] ?? .null
    }

    /// Updates only `fields` of a port. With `ifMatchRevision`, Neutron applies the change only
    /// if the port's revision_number is still that value and returns 412 otherwise.
    @discardableResult
    public func updatePort(_ id: String, fields: [String: JSON], ifMatchRevision: Int64? = nil) async throws -> JSON {
        var headers: [String: String] = [:]
        if let ifMatchRevision { headers["If-Match"] = "revision_number=\(ifMatchRevision)" }
        let body = try await service.send(
            "PUT", "/ports/\(percentEncode(id))", body: ["port": .object(fields)], headers: headers)
        return body["port"] ?? .null
    }

    public func createPort(_ fields: [String: JSON]) async throws -> JSON {
        try await service.send("POST", "/ports", body: ["port": .object(fields)])["port"] ?? .null
    }

    public func deletePort(_ id: String) async throws {
        try await service.send("DELETE", "/ports/\(percentEncode(id))")
    }

    public func createSecurityGroup(name: String, description: String, projectID: String?) async throws -> JSON {
        var fields: [String: JSON] = ["name": .string(name), "description": .string(description)]
        if let projectID { fields["project_id"] = .string(projectID) }
        return try await service.send("POST", "/security-groups", body: ["security_group": .object(fields)])[
            "security_group"] ?? .null
    }

    public func showSecurityGroup(_ id: String) async throws -> JSON {
        try await service.get("/security-groups/\(percentEncode(id))")["security_group"] ?? .null
    }

    public func deleteSecurityGroupRule(_ id: String) async throws {
        try await service.send("DELETE", "/security-group-rules/\(percentEncode(id))")
    }

    /// Creates any resource by collection path and singular key, for test fixtures and tools.
    public func create(_ path: String, key: String, fields: [String: JSON]) async throws -> JSON {
        try await service.send("POST", path, body: [key: .object(fields)])[key] ?? .null
    }

    public func delete(_ path: String) async throws {
        try await service.send("DELETE", path)
    }
}
