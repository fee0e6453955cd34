import Foundation

/// Nova's v2.1 API with a fixed microversion, sent in both the current and the legacy header.
public struct NovaClient: Sendable {
    public let service: ServiceClient
    public let microversion: String
    public var pageSize: Int?

    /// The microversion Congress's Nova driver used; its responses keep `flavor.id`.
    public static let defaultMicroversion = "2.26"

    public init(session: Session, microversion: String? = nil, pageSize: Int? = 1000) {
        let version = microversion ?? session.config.computeAPIVersion ?? NovaClient.defaultMicroversion
        self.microversion = version
        self.pageSize = pageSize
        service = ServiceClient(
            session: session, serviceType: "compute",
            headers: ["OpenStack-API-Version": "compute \(version)", "X-OpenStack-Nova-API-Version": version])
    }

    /// Returns the same client at another microversion, for calls that need a newer one.
    public func at(microversion: String) -> NovaClient {
        NovaClient(session: service.session, microversion: microversion, pageSize: pageSize)
    }

    /// Servers with details, every page. `allTenants` needs an admin token; `changesSince`
    /// also returns servers deleted since then, with status `DELETED`.
    public func servers(allTenants: Bool = true, changesSince: String? = nil, query: [(String, String)] = [])
        async throws -> [JSON]
    {
        var filters = query
        if allTenants { filters.append(("all_tenants", "1")) }
        if let changesSince { filters.append(("changes-since", changesSince)) }
        return try await service.list("/servers/detail", key: "servers", query: filters, pageSize: pageSize)
    }

    public func server(_ id: String) async throws -> JSON {
        try await service.get("/servers/\(percentEncode(id))")["server"] ?? .null
    }

    public func flavors() async throws -> [JSON] {
        try await service.list("/flavors/detail", key: "flavors", query: [("is_public", "None")], pageSize: pageSize)
    }

    public func hypervisors() async throws -> [JSON] {
        try await service.get("/os-hypervisors/detail")["hypervisors"]?.arrayValue ?? []
    }

    public func services() async throws -> [JSON] {
        try await service.get("/os-services")["services"]?.arrayValue ?? []
    }

    public func availabilityZones() async throws -> [JSON] {
        try await service.get("/os-availability-zone")["availabilityZoneInfo"]?.arrayValue ?? []
    }

    /// Posts a server action (`{"pause": null}`). Nova returns 202 and carries the action out asynchronously.
    public func action(_ serverID: String, _ body: JSON) async throws {
        try await service.send("POST", "/servers/\(percentEncode(serverID))/action", body: body, idempotent: true)
    }

    public func createServer(_ fields: [String: JSON]) async throws -> JSON {
        try await service.send("POST", "/servers", body: ["server": .object(fields)])["server"] ?? .null
    }

    public func deleteServer(_ id: String) async throws {
        try await service.send("DELETE", "/servers/\(percentEncode(id))")
    }

    public func createFlavor(_ fields: [String: JSON]) async throws -> JSON {
        try await service.send("POST", "/flavors", body: ["flavor": .object(fields)])["flavor"] ?? .null
    }
}
