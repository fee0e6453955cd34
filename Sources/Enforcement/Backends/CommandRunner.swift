import Foundation

/// The exit status and output of a finished command.
public struct CommandOutput: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: String

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs system commands (nft, conntrack, ip) without a shell, inside a network namespace when
/// one is named, as `ip netns exec NAMESPACE COMMAND ...`. Each call starts one process and
/// blocks its thread until the process exits; the async variant moves that wait off the caller's task.
public struct CommandRunner: Sendable {
    /// The network namespace to run in; nil runs in the current one.
    public var namespace: String?
    /// The directories searched for commands, in order.
    public var searchPath: [String]

    public init(namespace: String? = nil, searchPath: [String] = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]) {
        self.namespace = namespace
        self.searchPath = searchPath
    }

    /// Runs a command and returns its output whatever its exit status.
    public func run(_ command: String, _ arguments: [String], input: Data? = nil) throws -> CommandOutput {
        var words = [try locate(command)] + arguments
        if let namespace {
            words = [try locate("ip"), "netns", "exec", namespace] + words
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: words[0])
        process.arguments = Array(words.dropFirst())
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()

        // Input, output and errors move on their own threads, so that a large script or a large
        // listing never fills one pipe while the other side waits on another.
        let group = DispatchGroup()
        let collected = OutputBox()
        DispatchQueue.global().async(group: group) {
            if let input { stdinPipe.fileHandleForWriting.write(input) }
            try? stdinPipe.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) {
            collected.setStdout(stdoutPipe.fileHandleForReading.readDataToEndOfFile())
        }
        DispatchQueue.global().async(group: group) {
            collected.setStderr(stderrPipe.fileHandleForReading.readDataToEndOfFile())
        }
        group.wait()
        process.waitUntilExit()

        return CommandOutput(
            status: process.terminationStatus, stdout: collected.stdout,
            stderr: String(decoding: collected.stderr, as: UTF8.self))
    }

    /// Runs a command and throws `BackendError.commandFailed` unless it exits with status 0.
    @discardableResult
    public func check(_ command: String, _ arguments: [String], input: Data? = nil) throws -> CommandOutput {
        let output = try run(command, arguments, input: input)
        guard output.status == 0 else {
            throw BackendError.commandFailed(
                command: describe(command, arguments), status: output.status, stderr: output.stderr)
        }
        return output
    }

    /// `check` on a dispatch queue, so an async caller does not hold a task thread while the process runs.
    @discardableResult
    public func checkAsync(_ command: String, _ arguments: [String], input: Data? = nil) async throws
        -> CommandOutput
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try check(command, arguments, input: input) })
            }
        }
    }

    /// Renders the command line for messages.
    public func describe(_ command: String, _ arguments: [String]) -> String {
        let prefix = namespace.map { "ip netns exec \($0) " } ?? ""
        return prefix + ([command] + arguments).joined(separator: " ")
    }

    private func locate(_ command: String) throws -> String {
        for directory in searchPath {
            let path = directory + "/" + command
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw BackendError.commandNotFound(name: command, searched: searchPath)
    }
}

/// The output of a process, filled by reader threads and read after they finish.
private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func setStdout(_ data: Data) { lock.withLock { out = data } }
    func setStderr(_ data: Data) { lock.withLock { err = data } }
    var stdout: Data { lock.withLock { out } }
    var stderr: Data { lock.withLock { err } }
}
