import Foundation
import OpenStack

/// One client command: the words that name it (`datasource row list`), its arguments, and the
/// function that runs it.
struct ClientCommand: Sendable {
    var words: [String]
    /// The arguments after the words, for usage lines: `POLICY TEXT [--name NAME]`.
    var synopsis: String
    var summary: String
    /// Options that take a value, beyond the connection options.
    var valued: Set<String> = []
    var flags: Set<String> = []
    /// How many positional arguments the command takes.
    var arguments: ClosedRange<Int>
    var run: @Sendable (ClientInvocation) async throws -> Void

    var usage: String { "agora \(words.joined(separator: " ")) \(synopsis)".trimmingCharacters(in: .whitespaces) }
}

/// A parsed command line ready to run: the positional arguments, the options and the client.
struct ClientInvocation: Sendable {
    var command: ClientCommand
    var arguments: [String]
    var options: CommandLineArguments
    var client: AgoraClient
    /// True for `--format json`: print the API's JSON instead of text for people.
    var json: Bool

    func option(_ name: String) -> String? { options[option: name] }

    func flag(_ name: String) -> Bool { options.switches.contains(name) }

    /// Prints the reply's body for `--format json`, else the text that `render` makes of it.
    func output(_ reply: APIReply, _ render: (JSON) -> String) {
        if json {
            print(reply.text)
            return
        }
        let text = render(reply.json)
        if !text.isEmpty { print(text) }
    }
}

/// Finds the client command a command line names, parses its options and runs it.
enum ClientCommands {
    static let all: [ClientCommand] =
        PolicyCommands.all + RuleCommands.all + QueryCommands.all + DataSourceCommands.all + LibraryCommands.all
        + IncidentCommands.all + ActionCommands.all + [WatchCommand.command]

    /// The first words of the client commands: `policy`, `rule`, ..., `watch`.
    static let groups: [String] = {
        var seen: [String] = []
        for command in all where !seen.contains(command.words[0]) { seen.append(command.words[0]) }
        return seen
    }()

    /// Runs the client command that starts with `group`; returns the exit status.
    static func run(_ group: String, _ arguments: [String]) async -> Int32 {
        let words = [group] + arguments
        let candidates = all.filter { words.starts(with: $0.words) }
        guard let command = candidates.max(by: { $0.words.count < $1.words.count }) else {
            let asksHelp = arguments.first.map { ["--help", "-h", "help"].contains($0) } ?? false
            if asksHelp {
                print(ClientHelp.groupHelp(group))
                return 0
            }
            let problem = arguments.first.map { "unknown command '\(group) \($0)'" } ?? "'\(group)' needs a command"
            return report(.usage("\(problem)\n\(ClientHelp.groupHelp(group))"))
        }

        do {
            let parsed = try CommandLineArguments(
                Array(words.dropFirst(command.words.count)),
                valued: command.valued.union(ClientConnection.valuedOptions), flags: command.flags.union(["help"]))
            if parsed.switches.contains("help") {
                print(ClientHelp.commandHelp(command))
                return 0
            }
            guard command.arguments.contains(parsed.positional.count) else {
                throw ClientError.usage(
                    "\(command.words.joined(separator: " ")) takes \(describe(command.arguments)), "
                        + "not \(parsed.positional.count)\nusage: \(command.usage)")
            }
            let format = parsed[option: "format"] ?? "table"
            guard format == "table" || format == "json" else {
                throw ClientError.usage("invalid --format '\(format)'; use table or json")
            }
            let client = try await ClientConnection.resolve(parsed, environment: ProcessInfo.processInfo.environment)
            let invocation = ClientInvocation(
                command: command, arguments: parsed.positional, options: parsed, client: client, json: format == "json")
            try await command.run(invocation)
            return 0
        } catch let error as CommandLineArguments.UsageError {
            return report(.usage("\(error.message)\nusage: \(command.usage)"))
        } catch let error as ClientError {
            return report(error)
        } catch {
            return report(.serverFailure(status: nil, message: "\(error)"))
        }
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        let noun = { (count: Int) in count == 1 ? "1 argument" : "\(count) arguments" }
        if range.lowerBound == range.upperBound { return noun(range.lowerBound) }
        return "\(range.lowerBound) to \(noun(range.upperBound))"
    }

    /// Prints `agora: message` on stderr and returns the error's exit status.
    static func report(_ error: ClientError) -> Int32 {
        FileHandle.standardError.write(Data("agora: \(error.message)\n".utf8))
        return error.exitStatus
    }
}
