import Foundation
import OpenStack

#if canImport(Glibc)
    import Glibc
#endif

/// An `agora serve` child process bound to a free loopback port, with its own data directory.
/// `stop()` kills it by its process id; `deinit` does too, so that a failed test leaves no
/// server behind.
final class AgoraProcess: @unchecked Sendable {
    let dataDirectory: URL
    let port: UInt16
    let auth: String
    /// The first admin API key, read from `admin-token` once the server runs with `--auth token`.
    private(set) var adminToken: String?
    private let process: Process
    private let logHandle: FileHandle

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var logFile: URL { dataDirectory.appendingPathComponent("serve.log") }

    /// Starts `agora serve --simulated-cloud` and waits until `/healthz` returns 200.
    ///
    /// - Parameters:
    ///   - dataDirectory: an existing data directory to serve, as after a crash. Nil creates an
    ///     empty one, which the caller removes with `removeDataDirectory()`.
    ///   - environment: variables set for the server on top of the test's own, such as `OS_*`.
    static func start(auth: String = "noauth", dataDirectory: URL? = nil, environment: [String: String] = [:])
        async throws -> AgoraProcess
    {
        let directory = try dataDirectory ?? TestSupport.temporaryDirectory()
        let port = try freeLoopbackPort()
        let server = try AgoraProcess(directory: directory, port: port, auth: auth, environment: environment)
        try await server.waitUntilHealthy()
        if auth == "token" { server.adminToken = try server.readAdminToken() }
        return server
    }

    private init(directory: URL, port: UInt16, auth: String, environment: [String: String]) throws {
        self.dataDirectory = directory
        self.port = port
        self.auth = auth

        let logPath = directory.appendingPathComponent("serve.log").path
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: logPath) else {
            throw ServerError.startFailed("cannot open \(logPath) for the server's output")
        }
        handle.seekToEndOfFile()
        logHandle = handle

        process = Process()
        process.executableURL = TestSupport.agoraBinary
        process.arguments = [
            "serve", "--data-dir", directory.path, "--bind", "127.0.0.1:\(port)", "--auth", auth,
            "--simulated-cloud", "--log-level", "debug",
        ]
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        try process.run()
    }

    deinit {
        kill(signal: SIGKILL)
        try? logHandle.close()
    }

    enum ServerError: Error, CustomStringConvertible {
        case startFailed(String)

        var description: String {
            switch self {
            case .startFailed(let message): return "agora serve did not start: \(message)"
            }
        }
    }

    /// Polls `/healthz` until it returns 200; fails when the process exits first or after two
    /// minutes, which only a broken server or a badly overloaded machine reaches.
    private func waitUntilHealthy() async throws {
        let client = HTTPClient(baseURL: baseURL)
        for _ in 0..<1200 {
            if !process.isRunning {
                throw ServerError.startFailed("exit status \(process.terminationStatus); output:\n\(log())")
            }
            if let result = try? await client.send("GET", "/healthz"), result.status == 200 { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw ServerError.startFailed("/healthz did not return 200; output:\n\(log())")
    }

    /// The server's standard output and error so far.
    func log() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Reads the admin key that `--auth token` writes to the data directory on its first start.
    func readAdminToken() throws -> String {
        let text = try String(contentsOf: dataDirectory.appendingPathComponent("admin-token"), encoding: .utf8)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Kills the server with SIGKILL, as a crash would, and waits for it to exit.
    func crash() {
        kill(signal: SIGKILL)
    }

    /// Ends the server by its process id and waits for it to exit.
    func stop() {
        kill(signal: SIGKILL)
    }

    private func kill(signal: Int32) {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// Deletes the data directory; call it once the last server on it stopped.
    func removeDataDirectory() {
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    /// A port that was free on 127.0.0.1 a moment ago: the kernel picks it for a socket bound
    /// to port 0, and the socket is closed before the server binds it.
    static func freeLoopbackPort() throws -> UInt16 {
        for _ in 0..<10 {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw ServerError.startFailed("socket() failed: errno \(errno)") }
            defer { close(descriptor) }

            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { continue }

            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard named == 0 else { continue }
            let port = UInt16(bigEndian: address.sin_port)
            // 1789 is Congress's and Agora's default port, which a developer's server may hold.
            if port != 1789 { return port }
        }
        throw ServerError.startFailed("found no free port on 127.0.0.1")
    }
}

/// Runs a child process without holding a thread of Swift's cooperative pool while it runs.
/// Several tests run at once on few cores, and a blocked pool thread would stall them all.
enum ChildProcess {
    static func run(_ executable: String, _ arguments: [String]) async throws -> TestSupport.ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try TestSupport.run(URL(fileURLWithPath: executable), arguments))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
