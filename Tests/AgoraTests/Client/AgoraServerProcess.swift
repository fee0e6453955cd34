import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An `agora serve --simulated-cloud` child process on a free loopback port with a temporary
/// data directory, for tests that drive the built `agora` binary's client commands.
final class AgoraServerProcess: @unchecked Sendable {
    let port: Int
    let dataDirectory: URL
    let auth: String
    private var process: Process?

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the server and waits until `/healthz` responds.
    init(auth: String = "noauth") async throws {
        self.port = try Self.freePort()
        self.auth = auth
        dataDirectory = try TestSupport.temporaryDirectory()
        try await start()
    }

    /// Starts the server process (again, after `stop`) on the same port and data directory.
    func start() async throws {
        let process = Process()
        process.executableURL = TestSupport.agoraBinary
        process.arguments = [
            "serve", "--data-dir", dataDirectory.path, "--bind", "127.0.0.1:\(port)", "--auth", auth,
            "--simulated-cloud",
        ]
        process.environment = ClientRun.environment(url: nil)
        let log = dataDirectory.appendingPathComponent("serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        try await waitForHealth(log: log)
    }

    private func waitForHealth(log: URL) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let process, !process.isRunning {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw ServerError.exited(status: process.terminationStatus, log: text)
            }
            var request = URLRequest(url: URL(string: "\(url)/healthz")!)
            request.timeoutInterval = 2
            if let (_, response) = try? await URLSession.shared.data(for: request),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw ServerError.notHealthy(url: url)
    }

    /// Stops the server: SIGTERM to its process id, then SIGKILL if it is still running after
    /// five seconds.
    func stop() {
        guard let process, process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    /// The admin API key that `--auth token` writes on its first start.
    var adminToken: String {
        let file = dataDirectory.appendingPathComponent("admin-token")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    enum ServerError: Error {
        case exited(status: Int32, log: String)
        case notHealthy(url: String)
    }

    /// Returns a loopback TCP port that was free a moment ago: the kernel picks it for a socket
    /// bound to port 0, and the socket is closed before the server binds it.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw POSIXError(.EINVAL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
