import OpenStack

/// `agora action list|show|approve|release|refuse`: the responses that policies requested.
enum ActionCommands {
    static let all: [ClientCommand] = [
        ClientCommand(
            words: ["action", "list"], synopsis: "[--state STATE] [--incident ID]",
            summary: "list actions, optionally those in one state or of one incident", valued: ["state", "incident"],
            arguments: 0...0,
            run: { invocation in
                var query: [(String, String)] = []
                if let state = invocation.option("state") { query.append(("state", state)) }
                if let incident = invocation.option("incident") { query.append(("incident_id", incident)) }
                let reply = try await invocation.client.send("GET", ["v1", "actions"], query: query)
                invocation.output(reply, table)
            }),
        ClientCommand(
            words: ["action", "show"], synopsis: "ID", summary: "show an action, the changes it made and its events",
            arguments: 1...1,
            run: { invocation in
                let id = invocation.arguments[0]
                let reply = try await invocation.client.send("GET", ["v1", "actions", id], subjects: [.action(id)])
                invocation.output(reply, details)
            }),
        ClientCommand(
            words: ["action", "approve"], synopsis: "ID [--override]",
            summary: "approve an action that waits for approval; --override (admin) also passes a guard's refusal",
            flags: ["override"], arguments: 1...1,
            run: { invocation in
                let body: JSON = invocation.flag("override") ? ["override": true] : [:]
                try await decide(invocation, "approve", body: body)
            }),
        ClientCommand(
            words: ["action", "release"], synopsis: "ID", summary: "undo an action's changes", arguments: 1...1,
            run: { invocation in try await decide(invocation, "release", body: [:]) }),
        ClientCommand(
            words: ["action", "refuse"], synopsis: "ID [--reason TEXT]", summary: "refuse an action that waits",
            valued: ["reason"], arguments: 1...1,
            run: { invocation in
                let body: JSON = invocation.option("reason").map { ["reason": .string($0)] } ?? [:]
                try await decide(invocation, "refuse", body: body)
            }),
    ]

    private static func decide(_ invocation: ClientInvocation, _ action: String, body: JSON) async throws {
        let id = invocation.arguments[0]
        guard Int64(id) != nil else {
            throw ClientError.usage("invalid action id '\(id)'; action ids are numbers (agora action list)")
        }
        let reply = try await invocation.client.send(
            "POST", ["v1", "actions", id], query: [("action", action)], body: body, subjects: [.action(id)])
        invocation.output(reply) { json in
            "action \(Cell.text(json["id"])) is \(Cell.text(json["state"]))"
                + (json["reason"]?.stringValue.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
        }
    }

    /// Formats the `results` actions as a table.
    static func table(_ json: JSON) -> String {
        Cell.table(
            json,
            columns: [
                ("id", "id"), ("state", "state"), ("response", "response"), ("vm_id", "target.vm_id"),
                ("address", "target.address"), ("incident", "incident_id"), ("policy", "policy"),
                ("requested_at", "requested_at"), ("reason", "reason"),
            ])
    }

    /// Formats an action's fields, then its changes and its events in order.
    static func details(_ json: JSON) -> String {
        var pairs = [
            "id", "state", "policy", "response", "action", "arguments", "incident_id", "reason_code", "reason",
            "backend", "result", "requested_at", "decided_at", "decided_by", "executed_at", "verified_at",
            "released_at", "released_by",
        ].map { ($0, Cell.text(json[$0])) }
        pairs.insert(("target", Cell.text(json["target"])), at: 4)
        var sections = [TextTable.fields(pairs)]

        let changes = json["changes"]?.arrayValue ?? []
        if !changes.isEmpty {
            var table = TextTable(["kind", "resource", "before", "after", "method"])
            for change in changes { table.append(Cell.row(change, ["kind", "resource", "before", "after", "method"])) }
            sections.append("changes:\n" + table.text)
        }
        var events = TextTable(["at", "event", "actor", "detail"])
        for event in json["events"]?.arrayValue ?? [] {
            events.append(Cell.row(event, ["at", "kind", "actor", "detail"]))
        }
        sections.append("events:\n" + events.text)
        return sections.joined(separator: "\n\n")
    }
}
