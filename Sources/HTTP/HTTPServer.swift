import CMicroHTTPD
import Foundation
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd that routes requests to synchronous handlers on a pool of worker threads.
///
/// libmicrohttpd parses requests, keeps connections alive, enforces the header and timeout limits, and runs TLS.
/// This type adds routing, the body size limit, server-sent event streams and the logging hooks.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    public let router: HTTPRouter
    let log: @Sendable (HTTPLogLevel, String) -> Void
    let accessLog: (@Sendable (HTTPAccessRecord) -> Void)?
    let latencyObserver: (@Sendable (HTTPAccessRecord) -> Void)?

    struct Running {
        var daemon: OpaquePointer
        var context: Unmanaged<ServerContext>
        var port: UInt16
        var tlsMemory: [UnsafeMutablePointer<CChar>]
    }

    private let running = Mutex<Running?>(nil)

    /// Creates a stopped server.
    ///
    /// - Parameters:
    ///   - log: receives libmicrohttpd's messages and the errors that the server handles itself, such as a
    ///     handler that throws. The default writes them to standard error.
    ///   - accessLog: called once per finished request, on a worker thread. Requests that libmicrohttpd rejects
    ///     itself (a malformed request line, a 431, a timeout before the request is complete) are not reported.
    ///   - latencyObserver: called like `accessLog` but not for event streams, whose duration is their lifetime.
    public init(
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(), router: HTTPRouter,
        log: @escaping @Sendable (HTTPLogLevel, String) -> Void = HTTPServer.logToStandardError,
        accessLog: (@Sendable (HTTPAccessRecord) -> Void)? = nil,
        latencyObserver: (@Sendable (HTTPAccessRecord) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.router = router
        self.log = log
        self.accessLog = accessLog
        self.latencyObserver = latencyObserver
    }

    deinit {
        stop()
    }

    /// Writes one `level: message` line to standard error.
    public static let logToStandardError: @Sendable (HTTPLogLevel, String) -> Void = { level, message in
        FileHandle.standardError.write(Data("http \(level.rawValue): \(message)\n".utf8))
    }

    /// The bound port while the server runs, or nil while it is stopped.
    public var port: UInt16? {
        running.withLock { $0?.port }
    }

    /// Binds the address and starts the worker threads.
    public func start() throws(HTTPError) {
        try running.withLock { (running: inout Running?) throws(HTTPError) in
            if let running {
                throw .alreadyRunning(address: formatAddress(host: configuration.host, port: running.port))
            }
            running = try launch()
        }
    }

    /// Ends every open event stream, waits up to two seconds for them to finish, then stops the daemon and closes
    /// every connection. Calling it on a stopped server does nothing.
    public func stop() {
        guard
            let stopped = running.withLock({ running in
                defer { running = nil }
                return running
            })
        else {
            return
        }
        let context = stopped.context.takeUnretainedValue()
        context.stopKeepalive()

        let listener = MHD_quiesce_daemon(stopped.daemon)
        if context.closeAllStreams() > 0 {
            let deadline = ContinuousClock.now + .seconds(2)
            while context.openStreamCount > 0 && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        // Closed streams never suspend again, so no connection is suspended when the daemon stops, as
        // libmicrohttpd requires. The wait above only lets them send their final chunk first.
        MHD_stop_daemon(stopped.daemon)
        if listener >= 0 {
            close(listener)
        }

        stopped.context.release()
        releasePEM(stopped.tlsMemory)
        log(.info, "stopped HTTP server on \(formatAddress(host: configuration.host, port: stopped.port))")
    }
}
