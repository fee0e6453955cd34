import Foundation

/// The server's configuration: agora.conf's options with their defaults, then command-line
/// overrides, checked once at start so that a typo stops the server with its line number.
public struct ServiceConfiguration: Sendable {
    private var values: [String: String] = [:]
    /// Data sources declared as `[datasource NAME]` sections, in file order.
    public var dataSources: [DataSourceConfig] = []

    public init() {
        for option in ConfigOption.all { values[option.section + "." + option.name] = option.defaultValue }
    }

    /// Reads agora.conf; every option must be known and well-typed.
    public init(file path: String) throws(ConfigError) {
        self.init()
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, message: error.localizedDescription)
        }
        let ini = try INIFile(text: text, source: path)
        var sources: [String: DataSourceConfig] = [:]
        var order: [String] = []
        var lines: [String: (section: Int, driver: Int, options: [String: Int])] = [:]
        let sections = Set(ConfigOption.all.map(\.section))
        for entry in ini.entries {
            if !entry.section.hasPrefix("datasource "), !sections.contains(entry.section) {
                throw .unknownSection(
                    source: path, line: entry.line, section: entry.section,
                    known: sections.sorted() + ["datasource NAME"])
            }
            if entry.section.hasPrefix("datasource ") {
                let name = entry.section.dropFirst("datasource ".count).trimmingCharacters(in: .whitespaces)
                if sources[name] == nil {
                    sources[name] = DataSourceConfig(name: name, driver: "")
                    order.append(name)
                    lines[name] = (entry.line, entry.line, [:])
                }
                lines[name]?.options[entry.name] = entry.line
                if entry.name == "driver" {
                    lines[name]?.driver = entry.line
                    sources[name]?.driver = entry.value
                } else if entry.name == "description" {
                    sources[name]?.description = entry.value
                } else {
                    sources[name]?.options[entry.name] = entry.value
                }
                continue
            }
            guard let option = ConfigOption.all.first(where: { $0.section == entry.section && $0.name == entry.name })
            else {
                throw .unknownOption(source: path, line: entry.line, section: entry.section, name: entry.name)
            }
            try Self.check(option, entry.value, source: path, line: entry.line)
            values[option.section + "." + option.name] = entry.value
        }
        for name in order {
            let at = lines[name] ?? (0, 0, [:])
            guard let source = sources[name], let known = ConfigOption.driverOptions[source.driver] else {
                let driver = sources[name]?.driver ?? ""
                throw .invalidValue(
                    source: path, line: at.driver, section: "datasource \(name)", name: "driver",
                    value: driver.isEmpty ? "(missing)" : driver,
                    expected: ConfigOption.driverOptions.keys.sorted().joined(separator: ", "))
            }
            // Each option checked here, so that a typo stops the server with its line, not a data
            // source half-way through the start.
            let names = Set(known.map(\.name))
            for option in source.options.keys.sorted() where !names.contains(option) {
                throw .unknownOption(
                    source: path, line: at.options[option] ?? at.section, section: "datasource \(name)",
                    name: option + " (driver \(source.driver) takes " + names.sorted().joined(separator: ", ") + ")")
            }
            for option in known where option.required && (source.options[option.name] ?? "").isEmpty {
                throw .invalidValue(
                    source: path, line: at.section, section: "datasource \(name)", name: option.name,
                    value: "(missing)", expected: option.help)
            }
            dataSources.append(source)
        }
    }

    static func check(_ option: ConfigOption, _ value: String, source: String, line: Int) throws(ConfigError) {
        let fail = { (expected: String) in
            ConfigError.invalidValue(
                source: source, line: line, section: option.section, name: option.name, value: value,
                expected: expected)
        }
        switch option.kind {
        case .text, .list: return
        case .integer: if Int(value) == nil || Int(value)! < 0 { throw fail("a whole number, 0 or more") }
        case .boolean:
            if !["true", "false", "yes", "no", "1", "0"].contains(value.lowercased()) { throw fail("true or false") }
        case .choice(let choices): if !choices.contains(value) { throw fail(choices.joined(separator: ", ")) }
        }
    }

    /// Sets an option from the command line, with the same checks as the file.
    public mutating func set(_ section: String, _ name: String, _ value: String) throws(ConfigError) {
        guard let option = ConfigOption.all.first(where: { $0.section == section && $0.name == name }) else {
            throw .unknownOption(source: "command line", line: 0, section: section, name: name)
        }
        try Self.check(option, value, source: "command line", line: 0)
        values[section + "." + name] = value
    }

    public func text(_ section: String, _ name: String) -> String { values[section + "." + name] ?? "" }

    public func integer(_ section: String, _ name: String) -> Int { Int(text(section, name)) ?? 0 }

    public func flag(_ section: String, _ name: String) -> Bool {
        ["true", "yes", "1"].contains(text(section, name).lowercased())
    }

    public func list(_ section: String, _ name: String) -> [String] {
        text(section, name).split(whereSeparator: { $0 == "," || $0 == "\n" }).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    public var bindHost: String { text("DEFAULT", "bind_host") }
    public var bindPort: Int { integer("DEFAULT", "bind_port") }
    public var dataDirectory: String { text("DEFAULT", "data_dir") }
    public var authStrategy: String { text("DEFAULT", "auth_strategy") }

    /// The store location: the `database` option, or agora.db in the data directory.
    public var database: String {
        let explicit = text("DEFAULT", "database")
        return explicit.isEmpty ? (dataDirectory as NSString).appendingPathComponent("agora.db") : explicit
    }

    /// Refuses `noauth` on an address other than loopback.
    public func checkSafety() throws(ConfigError) {
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(bindHost) || bindHost.hasPrefix("127.")
        if authStrategy == "noauth" && !loopback {
            throw .unsafe(
                message: "auth_strategy = noauth lets anyone change policies; it is allowed only with a loopback "
                    + "bind_host, not \(bindHost). Use token or keystone, or bind to 127.0.0.1.")
        }
    }

    /// Every option with its default and meaning, as `agora serve --help-config` prints it.
    public static var helpText: String {
        var lines: [String] = []
        var section = ""
        for option in ConfigOption.all {
            if option.section != section {
                section = option.section
                lines.append("")
                lines.append("[\(section)]")
            }
            lines.append("\(option.name) = \(option.defaultValue)")
            lines.append("    \(option.help)")
        }
        lines.append("")
        lines.append("[datasource NAME]   one section per data source; `driver` picks the driver:")
        for (driver, options) in ConfigOption.driverOptions.sorted(by: { $0.key < $1.key }) {
            lines.append("  driver = \(driver)")
            for option in options {
                lines.append("    \(option.name)\(option.required ? " (required)" : ""): \(option.help)")
            }
        }
        return lines.dropFirst().joined(separator: "\n")
    }
}
