import Foundation

/// `Fixtures/fixture_server.py` on 127.0.0.1 with a port the kernel picks: it serves the dashboard at
/// `/dashboard/` and responds to `/v1/...` from the JSON files in `Fixtures/api`, keeping incident changes
/// (approve, release, resolve, notes) in memory for the life of the process.
final class FixtureServer: @unchecked Sendable {
    static let adminToken = "fixture-admin"
    static let operatorToken = "fixture-operator"
    static let viewerToken = "fixture-viewer"

    static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    let baseURL: String
    private let process: Process
    private let workDirectory: URL

    private init(baseURL: String, process: Process, workDirectory: URL) {
        self.baseURL = baseURL
        self.process = process
        self.workDirectory = workDirectory
    }

    /// Starts the server and waits up to ten seconds for it to write its port.
    static func start(dashboard: URL) throws -> FixtureServer {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("agora-fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let portFile = work.appendingPathComponent("port")
        let log = work.appendingPathComponent("server.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", fixturesDirectory.appendingPathComponent("fixture_server.py").path,
            "--dashboard", dashboard.path, "--api", fixturesDirectory.appendingPathComponent("api").path,
            "--port-file", portFile.path,
        ]
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()

        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return FixtureServer(baseURL: "http://127.0.0.1:\(port)", process: process, workDirectory: work)
            }
            if !process.isRunning { break }
            usleep(50_000)
        }

        if process.isRunning { process.terminate() }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw FixtureServerError.notStarted(log: output)
    }

    /// Stops the server by its PID (SIGTERM, then SIGKILL after five seconds) and removes its work folder.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: workDirectory)
    }
}

enum FixtureServerError: Error, CustomStringConvertible {
    case notStarted(log: String)

    var description: String {
        switch self {
        case .notStarted(let log): return "the fixture server did not write its port within 10 s; its output:\n\(log)"
        }
    }
}
