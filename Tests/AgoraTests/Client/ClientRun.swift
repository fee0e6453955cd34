import Foundation
import OpenStack

/// Runs the built `agora` binary's client commands with a clean environment.
enum ClientRun {
    /// This process's environment without `OS_*` and `AGORA_*` variables, so that no Keystone
    /// login or other server is used by accident, plus `AGORA_URL` when given.
    static func environment(url: String?, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("OS_") && !$0.key.hasPrefix("AGORA_")
        }
        if let url { environment["AGORA_URL"] = url }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs `agora ARGUMENTS` against `url` and waits for it.
    static func agora(_ arguments: [String], url: String?, extra: [String: String] = [:]) throws
        -> TestSupport.ProcessResult
    {
        let process = Process()
        process.executableURL = TestSupport.agoraBinary
        process.arguments = arguments
        process.environment = environment(url: url, extra: extra)
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return TestSupport.ProcessResult(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// Runs `agora ARGUMENTS --format json` and parses its output.
    static func json(_ arguments: [String], url: String) throws -> JSON {
        let result = try agora(arguments + ["--format", "json"], url: url)
        guard result.status == 0 else { throw Failure.status(result.status, result.standardError) }
        return try JSON.parse(Data(result.standardOutput.utf8), source: arguments.joined(separator: " "))
    }

    enum Failure: Error {
        case status(Int32, String)
    }
}

/// A long-running `agora` child (such as `agora watch`) whose output is collected as it comes.
final class AgoraChild: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var collected = Data()

    init(_ arguments: [String], url: String) throws {
        process.executableURL = TestSupport.agoraBinary
        process.arguments = arguments
        process.environment = ClientRun.environment(url: url)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.collected.append(data)
            self.lock.unlock()
        }
        try process.run()
    }

    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Waits up to `seconds` for the output to contain `text`; returns whether it did.
    func waitForOutput(containing text: String, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.contains(text) { return true }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return output.contains(text)
    }

    /// Waits up to `seconds` for the child to exit; returns its status, or nil if it still runs.
    func waitForExit(seconds: Double) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Stops the child with SIGKILL to its process id.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}
