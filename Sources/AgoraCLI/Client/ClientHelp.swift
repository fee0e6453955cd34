/// Help text for the client commands, made from the command table so that it cannot drift.
enum ClientHelp {
    static let exitStatuses = """
        exit status (stable; scripts may rely on it):
          0  success
          1  the server rejected the request (HTTP 4xx); its error message is printed on stderr
          2  usage error (unknown command or option, wrong number of arguments, bad option value)
          3  the server could not be reached, or it failed (HTTP 5xx)
        """

    /// One line per client command, for `agora help`.
    static var commandList: String {
        let lines = ClientCommands.all.map { "  \($0.usage)" }
        return "client commands (talk to a running server):\n" + lines.joined(separator: "\n")
    }

    static func groupHelp(_ group: String) -> String {
        let commands = ClientCommands.all.filter { $0.words[0] == group }
        let body = commands.map { "  \($0.usage)\n      \($0.summary)" }.joined(separator: "\n")
        return "usage:\n\(body)\n\n\(ClientConnection.optionsHelp)"
    }

    static func commandHelp(_ command: ClientCommand) -> String {
        "usage: \(command.usage)\n\n\(command.summary)\n\n\(ClientConnection.optionsHelp)\n\n\(exitStatuses)"
    }
}
