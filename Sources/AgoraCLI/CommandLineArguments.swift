/// A small parser for `--flag value`, `--switch` and positional arguments.
struct CommandLineArguments {
    /// Every value given for each option, in order; an option may be repeated.
    var values: [String: [String]] = [:]
    var switches: Set<String> = []
    var positional: [String] = []

    /// A usage error, whose message names the argument and what is expected.
    struct UsageError: Error {
        var message: String
    }

    /// The last value given for an option.
    subscript(option name: String) -> String? { values[name]?.last }

    /// Parses `arguments`, where `valued` lists the options that take a value and `flags` the
    /// ones that do not.
    init(_ arguments: [String], valued: Set<String>, flags: Set<String>) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                positional.append(contentsOf: arguments[index...])
                break
            }
            if argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.count > 1
                && !(argument.dropFirst().first?.isNumber ?? false)
            {
                throw UsageError(message: "unknown option \(argument); options are written --name")
            }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String? = nil
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if flags.contains(name) {
                switches.insert(name)
            } else if valued.contains(name) {
                if let inlineValue {
                    values[name, default: []].append(inlineValue)
                } else {
                    guard index < arguments.count else { throw UsageError(message: "option --\(name) needs a value") }
                    values[name, default: []].append(arguments[index])
                    index += 1
                }
            } else {
                throw UsageError(message: "unknown option --\(name)")
            }
        }
    }
}
