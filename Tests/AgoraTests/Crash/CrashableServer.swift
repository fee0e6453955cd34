import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An `agora serve --simulated-cloud` child that a test kills with SIGKILL and starts again on
/// the same configuration, port, data directory and simulated cloud state file.
final class CrashableServer: @unchecked Sendable {
    let port: Int
    let arguments: [String]
    let logDirectory: URL
    private var process: Process?
    private var starts = 0

    var url: String { "http://127.0.0.1:\(port)" }

    init(configFile: URL, stateFile: URL, logDirectory: URL, latencyMilliseconds: Int) throws {
        port = try AgoraServerProcess.freePort()
        self.logDirectory = logDirectory
        arguments = [
            "serve", "--config", configFile.path, "--bind", "127.0.0.1:\(port)", "--auth", "noauth",
            "--simulated-cloud", "--simulated-state", stateFile.path,
            "--simulated-latency-ms", String(latencyMilliseconds),
        ]
    }

    /// Starts the child and waits until `/healthz` returns 200; each start logs to its own file.
    func start() async throws {
        starts += 1
        let log = logDirectory.appendingPathComponent("serve-\(starts).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = TestSupport.agoraBinary
        process.arguments = arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process

        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !process.isRunning {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw AgoraServerProcess.ServerError.exited(status: process.terminationStatus, log: text)
            }
            var request = URLRequest(url: URL(string: "\(url)/healthz")!)
            request.timeoutInterval = 2
            if let (_, response) = try? await URLSession.shared.data(for: request),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw AgoraServerProcess.ServerError.notHealthy(url: url)
    }

    /// Sends SIGKILL to the child's process id and waits for it to end.
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Stops the child with SIGTERM, then SIGKILL after five seconds.
    func stop() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    deinit { kill() }
}

/// SplitMix64: a small seeded generator, so that a failing run's kill delays can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
