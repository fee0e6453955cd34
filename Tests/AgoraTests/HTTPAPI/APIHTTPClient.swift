import Foundation
import OpenStack
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP exchange as the tests read it.
struct HTTPResult: Sendable {
    var status: Int
    /// Header values by lower-cased name.
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON; `.null` for an empty body, and a recorded test failure for
    /// a body that is not JSON.
    var json: JSON {
        if body.isEmpty { return .null }
        do {
            return try JSON.parse(body, source: "response")
        } catch {
            Issue.record("response body is not JSON (status \(status)): \(text)")
            return .null
        }
    }

    /// `error.message` of Congress's error body, or "" when the body has none.
    var errorMessage: String { json["error"]?["message"]?.stringValue ?? "" }
    var errorCode: Int64? { json["error"]?["error_code"]?.intValue }
    var results: [JSON] { json["results"]?.arrayValue ?? [] }
}

/// A small client for the server under test, over real HTTP on loopback. Every request with a
/// body states its Content-Type. Requests that must send none go through `curl`.
struct HTTPClient: Sendable {
    let baseURL: String
    var token: String?

    init(baseURL: String, token: String? = nil) {
        self.baseURL = baseURL
        self.token = token
    }

    init(_ server: AgoraProcess, token: String? = nil) {
        self.init(baseURL: server.baseURL, token: token ?? server.adminToken)
    }

    /// Returns a client of the same server that sends `token` instead.
    func with(token: String?) -> HTTPClient { HTTPClient(baseURL: baseURL, token: token) }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        configuration.httpMaximumConnectionsPerHost = 16
        return URLSession(configuration: configuration)
    }()

    func send(
        _ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json",
        headers: [String: String] = [:]
    ) async throws -> HTTPResult {
        guard let url = URL(string: baseURL + path) else { throw URLError(.badURL) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue(token, forHTTPHeaderField: "X-Auth-Token") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }

        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }

    func get(_ path: String) async throws -> HTTPResult { try await send("GET", path) }
    func delete(_ path: String) async throws -> HTTPResult { try await send("DELETE", path) }

    func post(_ path: String, _ json: JSON) async throws -> HTTPResult {
        try await send("POST", path, body: json.data)
    }

    func put(_ path: String, _ json: JSON) async throws -> HTTPResult {
        try await send("PUT", path, body: json.data)
    }

    /// POST or PUT of raw text, for bodies that are not valid JSON.
    func send(_ method: String, _ path: String, text: String, contentType: String = "application/json")
        async throws -> HTTPResult
    {
        try await send(method, path, body: Data(text.utf8), contentType: contentType)
    }

    /// Sends a request through `curl`, which can leave out Content-Type (`-H 'Content-Type:'`).
    func curl(_ method: String, _ path: String, body: String?, contentType: String?) async throws -> HTTPResult {
        var arguments = ["-s", "-S", "-X", method, "-o", "-", "-w", "\n%{http_code}"]
        if let token { arguments += ["-H", "X-Auth-Token: \(token)"] }
        if let body { arguments += ["--data-binary", body] }
        arguments += ["-H", "Content-Type: \(contentType ?? "")"]
        arguments.append(baseURL + path)
        let result = try await ChildProcess.run("/usr/bin/curl", arguments)
        guard result.status == 0, let newline = result.standardOutput.lastIndex(of: "\n") else {
            throw URLError(.cannotConnectToHost)
        }
        let status = Int(result.standardOutput[result.standardOutput.index(after: newline)...]) ?? 0
        return HTTPResult(status: status, headers: [:], body: Data(result.standardOutput[..<newline].utf8))
    }
}

/// A state of the store as the API lists it, to compare before and after a rejected request.
struct StoredState: Equatable, CustomStringConvertible {
    var listings: [String: String]

    /// Lists policies, every policy's rules, data sources and library policies.
    static func read(_ client: HTTPClient) async throws -> StoredState {
        var listings: [String: String] = [:]
        let policies = try await client.get("/v1/policies")
        listings["/v1/policies"] = canonical(policies.json)
        for policy in policies.results {
            guard let name = policy["name"]?.stringValue else { continue }
            let path = "/v1/policies/\(name)/rules"
            listings[path] = canonical(try await client.get(path).json)
        }
        for path in ["/v1/data-sources", "/v1/librarypolicies"] {
            listings[path] = canonical(try await client.get(path).json)
        }
        return StoredState(listings: listings)
    }

    var description: String {
        listings.keys.sorted().map { "\($0): \(listings[$0]!)" }.joined(separator: "\n")
    }

    /// Returns the listings that differ from `other`'s, both versions of each, for a failure message.
    func differences(from other: StoredState) -> String {
        let paths = Set(listings.keys).union(other.listings.keys).sorted()
        return paths.filter { listings[$0] != other.listings[$0] }.map { path in
            "\(path)\n  before: \(other.listings[path] ?? "none")\n  after:  \(listings[path] ?? "none")"
        }.joined(separator: "\n")
    }

    /// JSON text with sorted keys and sorted `results`, so that order alone never differs.
    static func canonical(_ value: JSON) -> String {
        switch value {
        case .object(let members):
            let inner = members.keys.sorted().map { key -> String in
                let text = key == "results" ? sortedList(members[key]!) : canonical(members[key]!)
                return JSON.string(key).text + ":" + text
            }
            return "{" + inner.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        default: return value.text
        }
    }

    private static func sortedList(_ value: JSON) -> String {
        guard let items = value.arrayValue else { return canonical(value) }
        return "[" + items.map(canonical).sorted().joined(separator: ",") + "]"
    }
}
