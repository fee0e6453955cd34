import OpenStack

/// `agora policy list|show|create|delete|mode`.
enum PolicyCommands {
    static let modes = ["monitor", "dry-run", "approve", "enforce"]
    static let fieldOrder = ["id", "name", "abbreviation", "kind", "mode", "owner_id", "description"]

    static let all: [ClientCommand] = [
        ClientCommand(
            words: ["policy", "list"], synopsis: "", summary: "list the policies", arguments: 0...0,
            run: { invocation in
                let reply = try await invocation.client.send("GET", ["v1", "policies"])
                invocation.output(reply) { json in
                    Cell.table(
                        json,
                        columns: [
                            ("id", "id"), ("name", "name"), ("kind", "kind"), ("mode", "mode"),
                            ("description", "description"),
                        ])
                }
            }),
        ClientCommand(
            words: ["policy", "show"], synopsis: "POLICY", summary: "show a policy (by name or id)",
            arguments: 1...1,
            run: { invocation in
                let name = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "GET", ["v1", "policies", name], subjects: [.policy(name)])
                invocation.output(reply) { Cell.fields($0, fieldOrder) }
            }),
        ClientCommand(
            words: ["policy", "create"],
            synopsis:
                "[NAME] [--kind KIND] [--description TEXT] [--abbreviation ABBR] [--from-library NAME] [--mode MODE]",
            summary:
                "create a policy, empty or with the rules of a library policy (NAME defaults to the library policy's)",
            valued: ["kind", "description", "abbreviation", "from-library", "mode"], arguments: 0...1,
            run: create),
        ClientCommand(
            words: ["policy", "delete"], synopsis: "POLICY", summary: "delete a policy and its rules",
            arguments: 1...1,
            run: { invocation in
                let name = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "DELETE", ["v1", "policies", name], subjects: [.policy(name)])
                invocation.output(reply) { json in
                    "deleted policy \(Cell.text(json["name"])) (\(Cell.text(json["id"])))"
                }
            }),
        ClientCommand(
            words: ["policy", "mode"], synopsis: "POLICY MODE",
            summary: "set how a policy's actions run: \(modes.joined(separator: ", "))", arguments: 2...2,
            run: { invocation in
                let name = invocation.arguments[0]
                let mode = invocation.arguments[1]
                guard modes.contains(mode) else {
                    throw ClientError.usage("invalid mode '\(mode)'; use \(modes.joined(separator: ", "))")
                }
                let reply = try await invocation.client.send(
                    "PUT", ["v1", "policies", name, "mode"], body: ["mode": .string(mode)], subjects: [.policy(name)])
                invocation.output(reply) { json in
                    "policy \(Cell.text(json["name"])) is now in mode \(Cell.text(json["mode"]))"
                }
            }),
    ]

    private static func create(_ invocation: ClientInvocation) async throws {
        let client = invocation.client
        var body: [String: JSON] = [:]
        if let library = invocation.option("from-library") {
            // The library policy is copied here, not with `?library_policy=`, so that NAME,
            // --mode and the other options apply to the new policy.
            let template = try await client.send(
                "GET", ["v1", "librarypolicies", library], subjects: [.library(library)])
            for key in ["name", "abbreviation", "description", "kind", "rules"] { body[key] = template.json[key] }
        }
        if let name = invocation.arguments.first { body["name"] = .string(name) }
        guard body["name"] != nil else {
            throw ClientError.usage(
                "policy create needs a NAME, or --from-library NAME\nusage: \(invocation.command.usage)")
        }
        for option in ["kind", "description", "abbreviation", "mode"] {
            if let value = invocation.option(option) { body[option] = .string(value) }
        }
        if let mode = invocation.option("mode"), !modes.contains(mode) {
            throw ClientError.usage("invalid --mode '\(mode)'; use \(modes.joined(separator: ", "))")
        }

        let reply = try await client.send("POST", ["v1", "policies"], body: .object(body))
        invocation.output(reply) { json in
            var pairs = fieldOrder.map { ($0, Cell.text(json[$0])) }
            if let rules = json["rules"]?.arrayValue { pairs.append(("rules", String(rules.count))) }
            return TextTable.fields(pairs)
        }
    }
}
