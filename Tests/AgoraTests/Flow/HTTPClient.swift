import Foundation
import OpenStack

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Requests to a running Agora over real HTTP, for tests.
struct TestHTTPClient {
    let base: String
    var token: String?

    @discardableResult
    func call(_ method: String, _ path: String, _ body: JSON? = nil) async throws -> (status: Int, json: JSON) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue(token, forHTTPHeaderField: "X-Auth-Token") }
        if let body {
            request.httpBody = body.data
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json =
            data.isEmpty
            ? JSON.null : ((try? JSON.parse(data, source: path)) ?? .string(String(decoding: data, as: UTF8.self)))
        return (status, json)
    }

    /// Calls until `condition` holds for the answer or `seconds` pass; returns the last answer.
    func poll(
        _ path: String, seconds: Double = 30, until condition: (JSON) -> Bool
    ) async throws -> JSON {
        let deadline = Date().addingTimeInterval(seconds)
        var last = JSON.null
        while Date() < deadline {
            last = try await call("GET", path).json
            if condition(last) { return last }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return last
    }
}
