import Datalog

/// A line that could not be translated: where it is and why.
public struct RejectedLine: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String
    /// The start of the line, shortened and with control characters escaped.
    public var excerpt: String

    public init(file: String, line: Int, reason: String, excerpt: String = "") {
        self.file = file
        self.line = line
        self.reason = reason
        self.excerpt = excerpt
    }

    public var description: String {
        excerpt.isEmpty ? "\(file):\(line): \(reason)" : "\(file):\(line): \(reason) (line starts: \(excerpt))"
    }
}

/// The outcome of translating a whole input: rows per table and an account of every line.
public struct Translation: Sendable {
    /// Rows in input order per qualified table name; a row repeats when the input repeats it.
    public var rows: [String: [Row]] = [:]
    public var rejected: [RejectedLine] = []
    /// Field-level problems (`file:line: message`) on lines that were still read.
    public var warnings: [String] = []
    public var linesRead = 0
    /// Lines read without error that gave no row, by reason (`stats`, `blank`, `header`).
    public var skipped: [String: Int] = [:]
    /// Records read, by the sensor's event type (`alert`, `dns`, `conn`).
    public var eventTypes: [String: Int] = [:]
    public var events: [IDSEvent] = []

    public init() {}

    public var rowCount: Int { rows.values.reduce(0) { $0 + $1.count } }

    mutating func record(_ result: LineResult, file: String, line: Int, text: ArraySlice<UInt8>) {
        linesRead += 1
        for warning in result.warnings {
            warnings.append("\(file):\(line): \(warning)")
        }
        if let reason = result.rejectReason {
            let excerptText = shorten(String(decoding: text.prefix(200), as: UTF8.self))
            rejected.append(RejectedLine(file: file, line: line, reason: reason, excerpt: excerptText))
            return
        }
        if let reason = result.skipReason {
            skipped[reason, default: 0] += 1
            if reason != "blank" && reason != "comment" && reason != "header" {
                eventTypes[reason, default: 0] += 1
            }
            return
        }
        for event in result.events {
            events.append(event)
            eventTypes[event.eventType, default: 0] += 1
            for (table, row) in IDSTables.rows(for: event) {
                rows[table, default: []].append(row)
            }
        }
    }
}

/// Splits `bytes` into lines on LF, dropping a CR before it and a UTF-8 byte-order mark at the start.
/// A last line without LF is included, because a whole file is given.
public func splitLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var lines: [ArraySlice<UInt8>] = []
    var index = start
    while index < bytes.count {
        if bytes[index] == 0x0A {
            lines.append(trimCarriageReturn(bytes[start..<index]))
            start = index + 1
        }
        index += 1
    }
    if start < bytes.count {
        lines.append(trimCarriageReturn(bytes[start..<bytes.count]))
    }
    return lines
}

func trimCarriageReturn(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    line.last == 0x0D ? line.dropLast() : line
}

func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
    line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
}

extension IDSLineTranslator {
    /// Translates every line of a file's contents; blank lines are skipped, not rejected.
    public mutating func translate(contents: [UInt8], file: String) -> Translation {
        var translation = Translation()
        for (index, line) in splitLines(contents).enumerated() {
            let result = isBlank(line) ? LineResult.skipped("blank") : translate(line: line)
            translation.record(result, file: file, line: index + 1, text: line)
        }
        return translation
    }
}
