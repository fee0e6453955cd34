import Foundation

/// Where tests find the shared data and the built `agora` binary.
enum TestSupport {
    /// The repository root, from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The shared test data folder: `AGORA_SHARED` when set, else `shared` beside the repository.
    static var shared: URL {
        if let path = ProcessInfo.processInfo.environment["AGORA_SHARED"] { return URL(fileURLWithPath: path) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static func sharedFile(_ relativePath: String) -> URL { shared.appendingPathComponent(relativePath) }

    /// The `agora` executable built next to the test bundle.
    static var agoraBinary: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("agora")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return repositoryRoot.appendingPathComponent(".build/debug/agora")
    }

    struct ProcessResult {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs the `agora` binary with `arguments` and waits for it.
    static func runAgora(_ arguments: [String]) throws -> ProcessResult {
        try run(agoraBinary, arguments)
    }

    /// Runs `executable` with `arguments` (and `environment` added to this process's), waits
    /// for it and collects its output.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws
        -> ProcessResult
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// A new empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("agora-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
