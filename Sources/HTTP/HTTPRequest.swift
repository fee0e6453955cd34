import Foundation

/// A query parameter; `value` is nil when the item has no `=`, as in `?verbose`.
public struct HTTPQueryItem: Sendable, Equatable {
    public var name: String
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request with its body fully read, as the router hands it to a handler.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The path as the client sent it, still percent-encoded and without the query.
    public var rawPath: String
    /// The path split at `/` and percent-decoded per segment, so `%2F` stays inside its segment.
    /// A trailing slash adds no empty segment, and `/` has no segments.
    public var pathSegments: [String]
    /// The query parameters in the order sent, decoded (`+` as space), with repeated names kept.
    public var queryItems: [HTTPQueryItem]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The client's numeric IP address, or nil when libmicrohttpd did not report one.
    public var clientAddress: String?
    /// The values of the route's `{name}` segments, filled in by the router.
    public var pathParameters: [String: String]
    /// The protocol version from the request line, such as `HTTP/1.1`.
    public var version: String

    public init(
        method: HTTPMethod, rawPath: String, pathSegments: [String], queryItems: [HTTPQueryItem] = [],
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], clientAddress: String? = nil,
        pathParameters: [String: String] = [:], version: String = "HTTP/1.1"
    ) {
        self.method = method
        self.rawPath = rawPath
        self.pathSegments = pathSegments
        self.queryItems = queryItems
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.pathParameters = pathParameters
        self.version = version
    }

    /// The decoded path, with segments joined by `/`.
    public var path: String { "/" + pathSegments.joined(separator: "/") }

    /// The `Last-Event-ID` header that an event-stream client sends when it reconnects.
    public var lastEventID: String? { headers["Last-Event-ID"] }

    /// Returns the value of the first query item with this name; an item without `=` gives "".
    public func queryValue(_ name: String) -> String? {
        guard let item = queryItems.first(where: { $0.name == name }) else {
            return nil
        }
        return item.value ?? ""
    }

    /// Returns the values of every query item with this name, in order.
    public func queryValues(_ name: String) -> [String] {
        queryItems.filter { $0.name == name }.map { $0.value ?? "" }
    }

    /// Decodes the body as JSON.
    public func decodeJSON<Value: Decodable>(_ type: Value.Type, decoder: JSONDecoder = JSONDecoder()) throws -> Value {
        try decoder.decode(type, from: Data(body))
    }
}
