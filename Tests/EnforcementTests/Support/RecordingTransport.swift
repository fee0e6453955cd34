import Foundation
import OpenStack

/// An HTTP transport that records every request and can rewrite responses, so that tests see
/// the exact bodies the backends send and can make a real server's response look different.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    struct Sent {
        var method: String
        var path: String
        var headers: [String: String]
        var json: JSON?
    }

    private let inner = URLSessionTransport()
    private let lock = NSLock()
    private var sent: [Sent] = []
    private var rewrite: (@Sendable (HTTPRequest, HTTPResponse) -> HTTPResponse)?

    var requests: [Sent] { lock.withLock { sent } }

    /// Port updates, in order.
    var portUpdates: [Sent] { requests.filter { $0.method == "PUT" && $0.path.contains("/ports/") } }

    func setRewrite(_ rule: (@Sendable (HTTPRequest, HTTPResponse) -> HTTPResponse)?) {
        lock.withLock { rewrite = rule }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let json = request.body.flatMap { try? JSON.parse($0, source: "request") }
        let headers = Dictionary(request.headers.map { ($0.key.lowercased(), $0.value) }) { _, last in last }
        lock.withLock {
            sent.append(Sent(method: request.method, path: request.url.path, headers: headers, json: json))
        }
        let response = try await inner.send(request)
        guard let rule = lock.withLock({ rewrite }) else { return response }
        return rule(request, response)
    }
}

extension JSON {
    /// Returns the object with its member `key` set to `value`, for rewritten responses.
    func setting(_ key: String, to value: JSON) -> JSON {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
