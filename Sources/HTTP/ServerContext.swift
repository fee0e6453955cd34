import Dispatch
import Synchronization

/// The state that libmicrohttpd's callbacks share for one running daemon: routes, limits, hooks and the open
/// event streams. The daemon holds one retained reference, released after `MHD_stop_daemon` returns.
final class ServerContext: Sendable {
    let router: HTTPRouter
    let configuration: HTTPServerConfiguration
    let log: @Sendable (HTTPLogLevel, String) -> Void
    let accessLog: (@Sendable (HTTPAccessRecord) -> Void)?
    let latencyObserver: (@Sendable (HTTPAccessRecord) -> Void)?

    private struct Streams {
        var open: [ObjectIdentifier: EventStream] = [:]
        var stopping = false
    }

    private let streams = Mutex(Streams())
    private let lastDaemonMessage = Mutex<String?>(nil)
    // Dispatch sources are thread-safe, though the protocol is not marked Sendable.
    nonisolated(unsafe) private let keepaliveTimer: DispatchSourceTimer

    init(
        router: HTTPRouter, configuration: HTTPServerConfiguration,
        log: @escaping @Sendable (HTTPLogLevel, String) -> Void,
        accessLog: (@Sendable (HTTPAccessRecord) -> Void)?, latencyObserver: (@Sendable (HTTPAccessRecord) -> Void)?
    ) {
        self.router = router
        self.configuration = configuration
        self.log = log
        self.accessLog = accessLog
        self.latencyObserver = latencyObserver
        keepaliveTimer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "agora.http.keepalive"))
        keepaliveTimer.setEventHandler { [weak self] in
            self?.sendKeepalive()
        }
        // The timer is resumed at once, because libdispatch traps when a suspended source is released, as it is
        // when the daemon fails to start. It fires only after startKeepalive() schedules it.
        keepaliveTimer.resume()
    }

    /// Starts sending keepalive comments to every open stream.
    func startKeepalive() {
        let interval = configuration.eventStreamKeepaliveInterval
        let nanoseconds = max(
            1_000_000,
            Int(interval.components.seconds) * 1_000_000_000
                + Int(interval.components.attoseconds / 1_000_000_000))
        keepaliveTimer.schedule(
            deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds),
            leeway: .nanoseconds(nanoseconds / 10))
    }

    func stopKeepalive() {
        keepaliveTimer.cancel()
    }

    private func sendKeepalive() {
        for stream in streams.withLock({ Array($0.open.values) }) {
            stream.sendComment("keepalive")
        }
    }

    /// Adds a stream to the open set until it closes. A stream opened while the server stops is ended at once.
    func register(_ stream: EventStream) {
        let key = ObjectIdentifier(stream)
        let stopping = streams.withLock { streams in
            streams.open[key] = stream
            return streams.stopping
        }
        stream.onClose { [self] in
            _ = streams.withLock { $0.open.removeValue(forKey: key) }
        }
        if stopping {
            stream.close()
        }
    }

    /// Ends every open stream and returns how many were open.
    func closeAllStreams() -> Int {
        let open = streams.withLock { streams in
            streams.stopping = true
            return Array(streams.open.values)
        }
        for stream in open {
            stream.close()
        }
        return open.count
    }

    var openStreamCount: Int {
        streams.withLock { $0.open.count }
    }

    /// Logs a message from libmicrohttpd and keeps it as the reason for a failed start.
    func recordDaemonMessage(_ message: String) {
        lastDaemonMessage.withLock { $0 = message }
        log(.info, "libmicrohttpd: \(message)")
    }

    var daemonMessage: String? {
        lastDaemonMessage.withLock { $0 }
    }
}
