import Foundation
import OpenStack

/// Who is calling: the identity the auth layer established for a request.
public struct Principal: Sendable, Equatable {
    public var user: String
    /// The project the token is scoped to.
    public var projectID: String?
    public var roles: Set<String>

    public init(user: String, projectID: String?, roles: Set<String>) {
        self.user = user
        self.projectID = projectID
        self.roles = roles
    }

    public var isAdmin: Bool { roles.contains("admin") }
    /// Operators change incidents, approvals and policies; admins may too.
    public var canOperate: Bool { isAdmin || roles.contains("operator") }

    /// Whether this caller may see data of `project`; admins see every project.
    public func sees(project: String?) -> Bool {
        if isAdmin { return true }
        guard let project, !project.isEmpty else { return false }
        return project == projectID
    }

    /// The projects whose data this caller sees; nil means every project.
    public var visibleProjects: Set<String>? {
        if isAdmin { return nil }
        return Set([projectID].compactMap { $0 })
    }

    public var actor: Actor { Actor(user: user, project: projectID) }

    /// The identity of requests when authentication is off.
    public static let anonymousAdmin = Principal(user: "admin", projectID: nil, roles: ["admin"])
}

/// A request as the API layer reads it, independent of the HTTP server underneath.
public struct APIRequest: Sendable {
    public var method: String
    /// The decoded path segments after the host: `["v1", "policies", "classification"]`.
    public var segments: [String]
    public var query: [(name: String, value: String)]
    /// Header values by lower-cased name.
    public var headers: [String: String]
    public var body: [UInt8]
    public var principal: Principal

    public init(
        method: String, segments: [String], query: [(name: String, value: String)] = [],
        headers: [String: String] = [:], body: [UInt8] = [], principal: Principal = .anonymousAdmin
    ) {
        self.method = method
        self.segments = segments
        self.query = query
        self.headers = headers
        self.body = body
        self.principal = principal
    }

    /// The last value of a query parameter.
    public func parameter(_ name: String) -> String? { query.last { $0.name == name }?.value }

    /// Every value of a query parameter, in order.
    public func parameters(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }

    /// Congress's boolean parameters: true for `true` in any case, or `1`.
    public func flag(_ name: String) -> Bool {
        guard let value = parameter(name) else { return false }
        return value.lowercased() == "true" || value == "1"
    }

    /// The body as JSON: nil for an empty body; an error response for a wrong content type or
    /// text that is not JSON, with Congress's messages.
    public func json() throws(APIFailure) -> JSON? {
        if let type = headers["content-type"], !type.isEmpty {
            let base = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if base != "application/json" {
                throw APIFailure(
                    status: 400, code: 400, message: "Unsupported Content-Type; must be 'application/json'")
            }
        }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return nil }
        do {
            return try JSON.parse(Data(body), source: "request body")
        } catch {
            throw APIFailure(status: 400, code: 400, message: "Failed to parse body as application/json: \(error)")
        }
    }

    /// The body as a JSON object; an empty body or JSON null reads as an empty object.
    public func object() throws(APIFailure) -> [String: JSON] {
        guard let value = try json(), value != .null else { return [:] }
        guard let object = value.objectValue else {
            throw APIFailure(status: 400, code: 400, message: "The request body must be a JSON object")
        }
        return object
    }
}

/// An answer: status, headers and body bytes.
public struct APIResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer with Congress's content type and a final newline.
    public static func json(_ value: JSON, status: Int = 200, headers: [(name: String, value: String)] = []) -> Self {
        APIResponse(
            status: status, headers: [("Content-Type", "application/json; charset=UTF-8")] + headers,
            body: Array((value.text + "\n").utf8))
    }

    public static func text(_ text: String, status: Int = 200, type: String = "text/plain; charset=UTF-8") -> Self {
        APIResponse(status: status, headers: [("Content-Type", type)], body: Array(text.utf8))
    }
}

/// A refused request, answered in Congress's error format.
public struct APIFailure: Error, Sendable, Equatable {
    public var status: Int
    /// Congress's error number, or the HTTP status for errors Congress had no number for.
    public var code: Int
    public var message: String
    public var data: JSON

    public init(status: Int, code: Int, message: String, data: JSON = .null) {
        self.status = status
        self.code = code
        self.message = message
        self.data = data
    }

    public var response: APIResponse {
        .json(
            .object([
                "error": .object(["message": .string(message), "error_code": .int(Int64(code)), "error_data": data])
            ]), status: status)
    }

    public static func notFound(_ what: String) -> APIFailure {
        APIFailure(status: 404, code: 404, message: "Not Found::\(what)")
    }

    public static func forbidden(_ what: String) -> APIFailure {
        APIFailure(status: 403, code: 403, message: "Forbidden::\(what)")
    }

    public static func badRequest(_ what: String, data: JSON = .null) -> APIFailure {
        APIFailure(status: 400, code: 400, message: "Bad Request::\(what)", data: data)
    }
}
