import Foundation

/// Severity of a log message, lowest first (the levels of syslog and swift-log).
public enum LogLevel: Int, Comparable, Sendable, CustomStringConvertible {
    case trace, debug, info, notice, warning, error, critical

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .trace: return "trace"
        case .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        }
    }
}

/// A destination for log messages. Handlers must be safe to call from any thread.
public protocol LogHandler: Sendable {
    func log(level: LogLevel, label: String, message: String, metadata: [String: String])
}

/// A logger for one component: a label, a minimum level and metadata added to every message.
/// Never pass secrets in messages or metadata, because handlers write them out as they are.
public struct Logger: Sendable {
    public var label: String
    public var level: LogLevel
    public var metadata: [String: String]
    public var handler: any LogHandler

    public init(
        label: String, level: LogLevel = .info, metadata: [String: String] = [:],
        handler: any LogHandler = StderrLogHandler()
    ) {
        self.label = label
        self.level = level
        self.metadata = metadata
        self.handler = handler
    }

    public func log(_ level: LogLevel, _ message: String, metadata extra: [String: String] = [:]) {
        guard level >= self.level else { return }
        handler.log(level: level, label: label, message: message, metadata: metadata.merging(extra) { $1 })
    }

    public func debug(_ message: String, metadata: [String: String] = [:]) { log(.debug, message, metadata: metadata) }
    public func info(_ message: String, metadata: [String: String] = [:]) { log(.info, message, metadata: metadata) }
    public func warning(_ message: String, metadata: [String: String] = [:]) {
        log(.warning, message, metadata: metadata)
    }
    public func error(_ message: String, metadata: [String: String] = [:]) { log(.error, message, metadata: metadata) }
}

/// Writes one line a message to standard error: `time level label: message key=value ...`.
public struct StderrLogHandler: LogHandler {
    public init() {}

    public func log(level: LogLevel, label: String, message: String, metadata: [String: String]) {
        var line = "\(ISO8601DateFormatter().string(from: Date())) \(level) \(label): \(message)"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(metadata[key] ?? "")"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Discards every message.
public struct NullLogHandler: LogHandler {
    public init() {}

    public func log(level: LogLevel, label: String, message: String, metadata: [String: String]) {}
}
