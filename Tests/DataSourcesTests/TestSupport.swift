import Foundation

@testable import DataSources

/// A log handler that keeps messages for assertions.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    struct Message {
        var level: LogLevel
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Message] = []

    var messages: [Message] { lock.withLock { stored } }

    func log(level: LogLevel, label: String, message: String, metadata: [String: String]) {
        lock.withLock { stored.append(Message(level: level, message: message, metadata: metadata)) }
    }
}

/// A fresh empty folder under the system's temporary folder.
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("agora-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func appendBytes(_ data: Data, to url: URL) throws {
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: data)
}
