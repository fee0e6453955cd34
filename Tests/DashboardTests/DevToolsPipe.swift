import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Failures of the browser harness; each case carries what a reader needs to find the cause.
enum BrowserError: Error, CustomStringConvertible {
    case launchFailed(executable: String, errno: Int32)
    case connectionClosed(method: String, log: String)
    case timedOut(method: String, seconds: Double)
    case protocolError(method: String, message: String)
    case javaScriptException(expression: String, message: String)
    case conditionTimedOut(condition: String, seconds: Double, lastValue: String)
    case elementNotFound(selector: String)
    case navigationFailed(url: String, message: String)

    var description: String {
        switch self {
        case .launchFailed(let executable, let errno):
            return "starting \(executable) failed: \(String(cString: strerror(errno)))"
        case .connectionClosed(let method, let log):
            return "the browser closed the DevTools pipe during \(method); its log ends with:\n\(log)"
        case .timedOut(let method, let seconds):
            return "DevTools command \(method) timed out after \(seconds) s"
        case .protocolError(let method, let message):
            return "DevTools command \(method) failed: \(message)"
        case .javaScriptException(let expression, let message):
            return "evaluating `\(expression)` threw: \(message)"
        case .conditionTimedOut(let condition, let seconds, let lastValue):
            return "`\(condition)` was still not true after \(seconds) s (last value: \(lastValue))"
        case .elementNotFound(let selector):
            return "no visible element matches `\(selector)`"
        case .navigationFailed(let url, let message):
            return "navigating to \(url) failed: \(message)"
        }
    }
}

/// A Chromium process and its DevTools protocol connection over `--remote-debugging-pipe`.
///
/// The browser reads commands on its file descriptor 3 and writes replies and events on 4, each message
/// JSON text ended by a NUL byte. The pipe replaces the WebSocket on `--remote-debugging-port` because
/// FoundationNetworking's `URLSessionWebSocketTask` needs a libcurl built with WebSocket support, and
/// Debian bookworm's libcurl 7.88 is not (the task fails with "WebSockets not supported by libcurl").
final class DevToolsPipe: @unchecked Sendable {
    typealias EventHandler = @Sendable (_ method: String, _ sessionID: String?, _ params: JSONValue) -> Void

    let pid: pid_t
    let logPath: String
    private let commandFD: Int32
    private let replyFD: Int32
    private let lock = NSLock()
    private let writeLock = NSLock()
    private var nextID = 1
    private var pending: [Int: (method: String, continuation: CheckedContinuation<JSONValue, any Error>)] = [:]
    private var eventHandlers: [EventHandler] = []
    private var closed = false
    private var exited = false

    /// Starts `executable` with `arguments` plus `--remote-debugging-pipe`; its stdout and stderr go to
    /// `logPath`.
    init(executable: String, arguments: [String], logPath: String) throws {
        self.logPath = logPath

        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
            throw BrowserError.launchFailed(executable: executable, errno: errno)
        }
        // The parent's ends must not leak into the browser, or it would never see end-of-file.
        _ = fcntl(toBrowser[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fromBrowser[0], F_SETFD, FD_CLOEXEC)
        // Move the child's ends above 4 so that neither dup2 below overwrites the other's source.
        let childReads = fcntl(toBrowser[0], F_DUPFD_CLOEXEC, 10)
        let childWrites = fcntl(fromBrowser[1], F_DUPFD_CLOEXEC, 10)
        close(toBrowser[0])
        close(fromBrowser[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, childReads, 3)
        posix_spawn_file_actions_adddup2(&actions, childWrites, 4)

        let argumentList = [executable] + arguments + ["--remote-debugging-pipe"]
        let environmentList = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let argv = argumentList.map { strdup($0) } + [nil]
        let envp = environmentList.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        // The browser gets its own process group, so that terminate() reaches its helper processes too,
        // and an empty signal mask, because a test runner may block SIGTERM in the processes it starts.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        var childPID: pid_t = 0
        let status = posix_spawn(&childPID, executable, &actions, &attributes, argv, envp)
        close(childReads)
        close(childWrites)
        guard status == 0 else {
            close(toBrowser[1])
            close(fromBrowser[0])
            throw BrowserError.launchFailed(executable: executable, errno: status)
        }

        pid = childPID
        commandFD = toBrowser[1]
        replyFD = fromBrowser[0]
        let thread = Thread { [self] in readReplies() }
        thread.name = "devtools-pipe-\(childPID)"
        thread.start()
    }

    /// Adds a handler called on the reader thread for every protocol event.
    func onEvent(_ handler: @escaping EventHandler) {
        lock.lock()
        eventHandlers.append(handler)
        lock.unlock()
    }

    /// Sends one command and returns its `result`; throws the protocol's error or a timeout.
    func send(
        _ method: String, _ params: JSONValue = [:], sessionID: String? = nil, timeout: Double = 30
    ) async throws -> JSONValue {
        try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            if closed {
                lock.unlock()
                continuation.resume(throwing: BrowserError.connectionClosed(method: method, log: logTail()))
                return
            }
            let id = nextID
            nextID += 1
            pending[id] = (method, continuation)
            lock.unlock()

            var message: [String: JSONValue] = ["id": .number(Double(id)), "method": .string(method), "params": params]
            if let sessionID { message["sessionId"] = .string(sessionID) }
            do {
                var data = try JSONValue.object(message).serialized()
                data.append(0)
                try write(data)
            } catch {
                finish(id: id, with: .failure(error))
                return
            }

            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
                self?.finish(id: id, with: .failure(BrowserError.timedOut(method: method, seconds: timeout)))
            }
        }
    }

    /// Stops the browser by its PID: SIGTERM, then SIGKILL after five seconds, and reaps it. Helper
    /// processes left in the browser's process group (its PID) get SIGKILL at the end.
    func terminate() {
        lock.lock()
        let alreadyExited = exited
        exited = true
        lock.unlock()
        guard !alreadyExited else { return }

        kill(pid, SIGTERM)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(5)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(50_000)
        }
        kill(-pid, SIGKILL)
        close(commandFD)
    }

    /// Returns the last lines of the browser's log, for error messages.
    func logTail(lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private func write(_ data: Data) throws {
        writeLock.lock()
        defer { writeLock.unlock() }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(commandFD, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw BrowserError.connectionClosed(method: "write", log: logTail())
                }
                offset += written
            }
        }
    }

    private func finish(id: Int, with result: Result<JSONValue, any Error>) {
        lock.lock()
        let entry = pending.removeValue(forKey: id)
        lock.unlock()
        entry?.continuation.resume(with: result)
    }

    /// Reads NUL-separated messages until the browser closes its end, then fails every pending command.
    private func readReplies() {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(replyFD, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            buffer.append(contentsOf: chunk[0..<count])

            var start = 0
            while let end = buffer[start...].firstIndex(of: 0) {
                dispatch(Data(buffer[start..<end]))
                start = end + 1
            }
            buffer.removeFirst(start)
        }
        close(replyFD)

        lock.lock()
        closed = true
        let waiting = pending
        pending.removeAll()
        lock.unlock()
        for (_, entry) in waiting {
            entry.continuation.resume(throwing: BrowserError.connectionClosed(method: entry.method, log: logTail()))
        }
    }

    private func dispatch(_ data: Data) {
        guard let message = try? JSONValue(data: data) else { return }

        if let id = message["id"]?.intValue {
            if let error = message["error"] {
                lock.lock()
                let method = pending[id]?.method ?? "?"
                lock.unlock()
                let text = error["message"]?.stringValue ?? error.description
                finish(id: id, with: .failure(BrowserError.protocolError(method: method, message: text)))
            } else {
                finish(id: id, with: .success(message["result"] ?? .null))
            }
            return
        }

        guard let method = message["method"]?.stringValue else { return }
        lock.lock()
        let handlers = eventHandlers
        lock.unlock()
        for handler in handlers {
            handler(method, message["sessionId"]?.stringValue, message["params"] ?? .null)
        }
    }
}
