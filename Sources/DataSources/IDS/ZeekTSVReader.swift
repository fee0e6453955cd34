import Foundation

/// One field of a Zeek record: unset (`-`), an empty container (`(empty)`), or a value.
public enum ZeekField: Hashable, Sendable {
    case unset
    case empty
    case value(String)

    public var text: String? {
        if case .value(let text) = self { return text }
        return nil
    }
}

/// A Zeek log record by field name, with the log's path (`conn`, `notice`, `intel`).
public struct ZeekRecord: Sendable {
    public var path: String
    public var fields: [String: ZeekField]

    public subscript(name: String) -> ZeekField? { fields[name] }
}

/// Reads Zeek's TSV log format: `#`-directives set the separator, the placeholders for unset and
/// empty fields, the path and the `#fields` list, and may appear again mid-file with another column
/// order. A record with more or fewer fields than the current `#fields` line is rejected.
public struct ZeekTSVReader: Sendable {
    public private(set) var path = ""
    public private(set) var fieldNames: [String] = []
    var separator = "\t"
    var setSeparator = ","
    var emptyField = "(empty)"
    var unsetField = "-"

    public init() {}

    public enum Outcome {
        case directive
        case record(ZeekRecord)
        case rejected(String)
    }

    /// Reads one line. Trailing separators are data (an empty last field), so nothing is trimmed.
    public mutating func read(_ line: String) -> Outcome {
        if line.hasPrefix("#") {
            readDirective(line)
            return .directive
        }
        let values = line.components(separatedBy: separator)
        if fieldNames.isEmpty {
            // zeek-cut and test baselines may print the names as a plain first line.
            guard values.allSatisfy(isFieldName) else { return .rejected("record before any #fields header") }
            fieldNames = values
            return .directive
        }
        guard values.count == fieldNames.count else {
            return .rejected("\(values.count) fields, the #fields header has \(fieldNames.count)")
        }
        var fields: [String: ZeekField] = [:]
        for (name, value) in zip(fieldNames, values) {
            if value == unsetField {
                fields[name] = .unset
            } else if value == emptyField {
                fields[name] = .empty
            } else {
                fields[name] = .value(unescapeZeek(value))
            }
        }
        return .record(ZeekRecord(path: path, fields: fields))
    }

    private mutating func readDirective(_ line: String) {
        if line.hasPrefix("#separator ") {
            separator = unescapeZeek(String(line.dropFirst("#separator ".count)))
            return
        }
        let parts = line.components(separatedBy: separator)
        guard parts.count >= 2 else { return }
        let value = parts[1]
        switch parts[0] {
        case "#set_separator": setSeparator = value
        case "#empty_field": emptyField = value
        case "#unset_field": unsetField = value
        case "#path": path = value
        case "#fields": fieldNames = Array(parts.dropFirst())
        default: break
        }
    }

    /// Splits a set or vector field on the `#set_separator`.
    public func elements(of field: ZeekField?) -> [String] {
        guard let text = field?.text else { return [] }
        return text.components(separatedBy: setSeparator)
    }
}

private func isFieldName(_ text: String) -> Bool {
    !text.isEmpty && text.allSatisfy { ($0.isASCII && $0.isLetter) || $0 == "_" || $0 == "." }
}

/// Decodes Zeek's `\xHH` escapes, which it writes for separators and non-printable bytes.
func unescapeZeek(_ text: String) -> String {
    guard text.contains("\\x") else { return text }
    var bytes: [UInt8] = []
    let utf8 = Array(text.utf8)
    var index = 0
    while index < utf8.count {
        if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count, utf8[index + 1] == UInt8(ascii: "x"),
            let byte = UInt8(String(decoding: utf8[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)
        {
            bytes.append(byte)
            index += 4
        } else {
            bytes.append(utf8[index])
            index += 1
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
