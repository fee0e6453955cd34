/// An INI file in oslo.config's style: `[section]` headers, `name = value` lines, `#` and `;`
/// comments, and values continued on indented lines.
public struct INIFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var section: String
        public var name: String
        public var value: String
        public var line: Int
    }

    public private(set) var entries: [Entry] = []

    public init(text: String, source: String) throws(ConfigError) {
        var section = "DEFAULT"
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if let first = raw.first, first == " " || first == "\t", !entries.isEmpty,
                entries[entries.count - 1].section == section
            {
                entries[entries.count - 1].value += "\n" + line
                continue
            }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw .syntax(source: source, line: lineNumber, message: "a section header is written [name]")
                }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let equals = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .syntax(source: source, line: lineNumber, message: "expected name = value, found '\(line)'")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else {
                throw .syntax(source: source, line: lineNumber, message: "an option has no name before '='")
            }
            entries.append(Entry(section: section, name: name, value: value, line: lineNumber))
        }
    }

    /// The last value set for an option, as oslo.config takes it.
    public func value(_ section: String, _ name: String) -> String? {
        entries.last { $0.section == section && $0.name == name }?.value
    }

    public var sections: [String] {
        var seen: [String] = []
        for entry in entries where !seen.contains(entry.section) { seen.append(entry.section) }
        return seen
    }
}

/// Why the configuration could not be read. Each case names the file, the line and the option.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case syntax(source: String, line: Int, message: String)
    case unknownOption(source: String, line: Int, section: String, name: String)
    case unknownSection(source: String, line: Int, section: String, known: [String])
    case invalidValue(source: String, line: Int, section: String, name: String, value: String, expected: String)
    case unreadable(path: String, message: String)
    case unsafe(message: String)

    public var description: String {
        switch self {
        case .syntax(let source, let line, let message): return "\(source):\(line): \(message)"
        case .unknownOption(let source, let line, let section, let name):
            return "\(source):\(line): unknown option \(name) in [\(section)]; `agora serve --help-config` lists them"
        case .unknownSection(let source, let line, let section, let known):
            return "\(source):\(line): unknown section [\(section)]; the sections are "
                + known.map { "[\($0)]" }.joined(separator: ", ")
        case .invalidValue(let source, let line, let section, let name, let value, let expected):
            return "\(source):\(line): [\(section)] \(name) = \(value) is not valid; expected \(expected)"
        case .unreadable(let path, let message): return "cannot read \(path): \(message)"
        case .unsafe(let message): return message
        }
    }
}
