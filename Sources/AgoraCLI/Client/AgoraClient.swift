import Foundation
import OpenStack

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A response from the API: the status, the body as sent, and the body parsed as JSON (null when
/// the body is empty).
struct APIReply: Sendable {
    var status: Int
    var body: Data
    var json: JSON

    /// The body as text, for `--format json`; an empty body prints as JSON null.
    var text: String {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "null" : text
    }
}

/// An HTTP client for Agora's REST API, on URLSession.
///
/// Every request sends the token (if any) as `X-Auth-Token`. A 2xx response is returned; every
/// other outcome throws a `ClientError` whose message names the value and the fix.
struct AgoraClient: Sendable {
    /// The server root, such as `http://127.0.0.1:1789`; API paths are appended to it.
    let baseURL: URL
    let token: String?
    /// Seconds to wait for each response.
    let timeout: TimeInterval

    /// Builds the URL of an API path given as segments, each percent-encoded, with query items.
    func url(_ segments: [String], query: [(String, String)] = []) -> URL {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        for segment in segments { text += "/" + Self.encode(segment) }
        if !query.isEmpty {
            text += "?" + query.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        }
        return URL(string: text)!
    }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// Sends one request and returns the 2xx reply.
    ///
    /// - Parameter subjects: what the path names, innermost first, so that a 404 names which of
    ///   them is missing (the first one whose name the server's message contains).
    func send(
        _ method: String, _ segments: [String], query: [(String, String)] = [], body: JSON? = nil,
        rawBody: Data? = nil, subjects: [Subject] = []
    ) async throws(ClientError) -> APIReply {
        let target = url(segments, query: query)
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token { request.setValue(token, forHTTPHeaderField: "X-Auth-Token") }
        if let payload = rawBody ?? body.map({ Data($0.text.utf8) }) {
            request.httpBody = payload
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw .unreachable(url: baseURL.absoluteString, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw .serverFailure(status: nil, message: "the response to \(method) \(target.path) is not HTTP")
        }

        let json = Self.parse(data)
        if (200..<300).contains(http.statusCode) {
            guard let json else {
                throw .serverFailure(
                    status: http.statusCode, message: "the response to \(method) \(target.path) is not JSON")
            }
            return APIReply(status: http.statusCode, body: data, json: json)
        }
        let message = Self.errorMessage(json: json, data: data)
        if http.statusCode >= 500 { throw .serverFailure(status: http.statusCode, message: message) }
        throw .rejected(
            status: http.statusCode,
            message: Self.rejection(status: http.statusCode, message: message, json: json, subjects: subjects))
    }

    /// Parses a body; an empty body is JSON null, and text that is not JSON is nil.
    private static func parse(_ data: Data) -> JSON? {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return .null }
        return try? JSON.parse(data, source: "response")
    }

    private static let reasonPhrases: Set<String> = [
        "Bad Request", "Unauthorized", "Forbidden", "Not Found", "Conflict", "Not Implemented",
        "Internal server error", "Method Not Allowed", "Payload Too Large", "Too Many Requests",
    ]

    /// Returns `error.message` from the API's error body, with Congress's `Summary::detail` shape made
    /// readable: an HTTP reason phrase before `::` is dropped, other summaries end in a colon.
    static func errorMessage(json: JSON?, data: Data) -> String {
        guard let message = json?["error"]?["message"]?.stringValue else {
            let text = String(decoding: data.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? "no error message in the answer" : text
        }
        guard let range = message.range(of: "::") else { return message }
        let summary = String(message[..<range.lowerBound])
        let detail = String(message[range.upperBound...])
        if reasonPhrases.contains(summary) { return detail }
        return detail.isEmpty ? summary : summary + ": " + detail
    }

    /// Builds the whole line for a 4xx response: the server's message, the status, and the fix.
    static func rejection(status: Int, message: String, json: JSON?, subjects: [Subject]) -> String {
        switch status {
        case 401:
            return "\(message) (HTTP 401); pass an API key with --token TOKEN or AGORA_TOKEN, "
                + "or log in to Keystone with --os-cloud NAME or OS_* variables"
        case 403:
            return "\(message) (HTTP 403); use a token whose role allows this"
        case 404:
            let lowered = message.lowercased()
            let saysMissing =
                lowered.hasPrefix("no ")
                || ["not found", "no such", "doesn't exist", "has no schema"].contains { lowered.contains($0) }
            guard saysMissing, !subjects.isEmpty else { return "\(message) (HTTP 404)" }
            let subject = subjects.first { message.contains($0.name) } ?? subjects[0]
            return subject.notFoundMessage
        default:
            var text = "\(message) (HTTP \(status))"
            let data = json?["error"]?["error_data"]
            if let line = data?["line"]?.intValue, let column = data?["column"]?.intValue {
                if !message.contains("\(line):\(column)") { text = "at \(line):\(column): " + text }
                if let source = data?["text"]?.stringValue { text += "\n" + pointer(at: line, column, in: source) }
            }
            return text
        }
    }

    /// Returns the source line that an error points at, with a caret under the column (both 1-based).
    static func pointer(at line: Int64, _ column: Int64, in source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return "" }
        let text = String(lines[Int(line) - 1])
        let offset = max(0, min(Int(column) - 1, text.count))
        return "  " + text + "\n  " + String(repeating: " ", count: offset) + "^"
    }
}
