import Foundation
import HTTP

/// A webhook receiver on 127.0.0.1 for tests: records every POST to `/hook` and answers with
/// the next scripted status, then 200 once the script is used up.
final class WebhookReceiver: @unchecked Sendable {
    struct Received {
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    private let lock = NSLock()
    private var received: [Received] = []
    private var script: [(status: Int, body: String)]
    private var server: HTTPServer?
    private(set) var port: UInt16

    /// Starts listening, on `port` when given (to come back on the port of an earlier receiver).
    init(port: UInt16 = 0, script: [(status: Int, body: String)] = []) throws {
        self.script = script
        self.port = port
        try start()
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    var requests: [Received] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func start() throws {
        let router = HTTPRouter()
        router.add(.post, "/hook") { [weak self] request in
            guard let self else { return HTTPResponse(status: 500) }
            self.lock.lock()
            self.received.append(Received(headers: request.headers, body: request.body))
            let answer = self.script.isEmpty ? (status: 200, body: "ok") : self.script.removeFirst()
            self.lock.unlock()
            return HTTPResponse.text(answer.body, status: answer.status)
        }
        var configuration = HTTPServerConfiguration()
        configuration.port = port
        configuration.threadPoolSize = 1
        let server = HTTPServer(configuration: configuration, router: router, log: { _, _ in })
        try server.start()
        port = server.port ?? port
        self.server = server
    }

    func stop() {
        server?.stop()
        server = nil
    }

    deinit { stop() }
}

/// A clock that moves only when a test moves it.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = start }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func advance(_ seconds: Double) {
        lock.lock()
        current += seconds
        lock.unlock()
    }
}
