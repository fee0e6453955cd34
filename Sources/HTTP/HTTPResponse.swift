import CMicroHTTPD
import Foundation

/// An HTTP response: a status, header fields and either a complete body or an event stream.
public struct HTTPResponse: Sendable {
    /// The content of a response.
    public enum Body: Sendable {
        /// A body sent as is, with a `Content-Length` header that libmicrohttpd adds.
        case bytes([UInt8])
        /// A `text/event-stream` body that stays open. The closure receives the stream once the response is
        /// queued, and it may keep the stream to send events from any thread.
        case eventStream(@Sendable (EventStream) -> Void)
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    /// The body bytes, or nil for an event stream.
    public var bodyBytes: [UInt8]? {
        if case .bytes(let bytes) = body {
            return bytes
        }
        return nil
    }

    /// Makes a response with an already encoded JSON body and `Content-Type: application/json`.
    public static func json(bytes: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }

    /// Encodes a value as the JSON body of a response.
    public static func json<Value: Encodable>(
        _ value: Value, status: Int = 200, encoder: JSONEncoder = JSONEncoder()
    ) throws -> HTTPResponse {
        json(bytes: Array(try encoder.encode(value)), status: status)
    }

    /// Makes a `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// Makes a JSON error response: `{"error": {"code": 404, "title": "Not Found", "message": "...",
    /// "error_code": 404, "error_data": null}}`. The last two keys are the ones OpenStack clients
    /// read, so errors the server makes before any handler runs (413, an unknown route) read the
    /// same as the application's own.
    public static func error(status: Int, message: String) -> HTTPResponse {
        let title = String(cString: MHD_get_reason_phrase_for(UInt32(clamping: status)))
        let payload = ["error": ErrorPayload(code: status, title: title, message: message)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(payload)).map { Array($0) } ?? Array(message.utf8)
        return json(bytes: bytes, status: status)
    }

    /// Makes a `text/event-stream` response with caching disabled; `open` receives the stream.
    public static func eventStream(
        headers: HTTPHeaders = HTTPHeaders(), _ open: @escaping @Sendable (EventStream) -> Void
    ) -> HTTPResponse {
        var response = HTTPResponse(status: 200, headers: headers)
        response.headers.set("Content-Type", "text/event-stream; charset=utf-8")
        response.headers.set("Cache-Control", "no-cache")
        response.headers.set("X-Accel-Buffering", "no")
        response.body = .eventStream(open)
        return response
    }
}

private struct ErrorPayload: Encodable {
    var code: Int
    var title: String
    var message: String

    private enum CodingKeys: String, CodingKey {
        case code, title, message
        case errorCode = "error_code"
        case errorData = "error_data"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(title, forKey: .title)
        try container.encode(message, forKey: .message)
        try container.encode(code, forKey: .errorCode)
        try container.encodeNil(forKey: .errorData)
    }
}
