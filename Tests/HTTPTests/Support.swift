import Foundation
import HTTP
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Returns the default configuration, which listens on 127.0.0.1 with a free port, after `change`.
func configuration(_ change: (inout HTTPServerConfiguration) -> Void) -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration()
    change(&configuration)
    return configuration
}

/// Starts a server with the routes that `routes` adds.
func startServer(
    _ configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    log: @escaping @Sendable (HTTPLogLevel, String) -> Void = { _, _ in },
    accessLog: (@Sendable (HTTPAccessRecord) -> Void)? = nil,
    latencyObserver: (@Sendable (HTTPAccessRecord) -> Void)? = nil,
    routes: (HTTPRouter) -> Void
) throws -> (server: HTTPServer, port: UInt16) {
    let router = HTTPRouter()
    routes(router)
    let server = HTTPServer(
        configuration: configuration, router: router, log: log, accessLog: accessLog,
        latencyObserver: latencyObserver)
    try server.start()
    return (server, try #require(server.port))
}

/// A response as a test client received it.
struct FetchedResponse {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// Sends one request through URLSession.
func fetch(
    _ url: String, method: String = "GET", body: Data? = nil, headers: [String: String] = [:],
    session: URLSession = .shared
) async throws -> FetchedResponse {
    var request = URLRequest(url: try #require(URL(string: url)))
    request.httpMethod = method
    request.httpBody = body
    for (name, value) in headers {
        request.setValue(value, forHTTPHeaderField: name)
    }
    return try await withCheckedThrowingContinuation { continuation in
        session.dataTask(with: request) { data, response, error in
            if let error {
                continuation.resume(throwing: error)
                return
            }
            let http = response as! HTTPURLResponse
            var fields: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                fields["\(name)"] = "\(value)"
            }
            continuation.resume(
                returning: FetchedResponse(status: http.statusCode, headers: fields, body: data ?? Data()))
        }.resume()
    }
}

/// Runs a program and returns its exit status, standard output and standard error.
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outputData, as: UTF8.self),
        String(decoding: errorData, as: UTF8.self)
    )
}

/// Polls a condition every 10 ms until it is true or the deadline passes, and returns its last value.
func waitUntil(seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() {
            return true
        }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// A value shared between a handler thread and the test.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    var current: Value { value.withLock { $0 } }

    func update(_ change: (inout Value) -> Void) {
        value.withLock { change(&$0) }
    }
}

/// An error that test handlers throw.
struct HandlerFailure: Error, CustomStringConvertible {
    var description: String { "handler failure for the test" }
}
