import Agora
import OpenStack

/// `agora incident list|show|note|approve|release|resolve`.
enum IncidentCommands {
    static let states = ["open", "contained", "released", "resolved"]

    static let all: [ClientCommand] = [
        ClientCommand(
            words: ["incident", "list"], synopsis: "[--state STATE] [--project PROJECT_ID]",
            summary: "list incidents, newest first; STATE is \(states.joined(separator: ", "))",
            valued: ["state", "project"], arguments: 0...0,
            run: { invocation in
                var query: [(String, String)] = []
                if let state = invocation.option("state") {
                    guard states.contains(state) else {
                        throw ClientError.usage("invalid --state '\(state)'; use \(states.joined(separator: ", "))")
                    }
                    query.append(("state", state))
                }
                if let project = invocation.option("project") { query.append(("project_id", project)) }
                let reply = try await invocation.client.send("GET", ["v1", "incidents"], query: query)
                invocation.output(reply) { json in
                    Cell.table(
                        json,
                        columns: [
                            ("id", "id"), ("state", "state"), ("policy", "policy"), ("vm", "vm_name"),
                            ("vm_id", "vm_id"), ("project", "project_id"), ("source_ip", "source_ip"),
                            ("external_ips", "external_ips"), ("last_seen", "last_seen"),
                        ])
                }
            }),
        ClientCommand(
            words: ["incident", "show"], synopsis: "ID",
            summary: "show an incident: its evidence, the proof of its error row, notes and the actions timeline",
            arguments: 1...1,
            run: { invocation in
                let id = invocation.arguments[0]
                let reply = try await invocation.client.send("GET", ["v1", "incidents", id], subjects: [.incident(id)])
                invocation.output(reply, details)
            }),
        ClientCommand(
            words: ["incident", "note"], synopsis: "ID TEXT", summary: "add a note to an incident", arguments: 2...2,
            run: { invocation in
                let (id, text) = (invocation.arguments[0], invocation.arguments[1])
                let reply = try await invocation.client.send(
                    "POST", ["v1", "incidents", id, "notes"], body: ["text": .string(text)], subjects: [.incident(id)])
                invocation.output(reply) { json in
                    "added note \(json["notes"]?.arrayValue?.count ?? 0) to incident \(Cell.text(json["id"]))"
                }
            }),
        rpc("approve", summary: "approve every action of the incident that waits for approval"),
        rpc("release", summary: "undo every response of the incident and read the resources back"),
        ClientCommand(
            words: ["incident", "resolve"], synopsis: "ID [--note TEXT]", summary: "close an incident",
            valued: ["note"], arguments: 1...1,
            run: { invocation in
                let id = invocation.arguments[0]
                var body: [String: JSON] = [:]
                if let note = invocation.option("note") { body["note"] = .string(note) }
                let reply = try await invocation.client.send(
                    "POST", ["v1", "incidents", id], query: [("action", "resolve")], body: .object(body),
                    subjects: [.incident(id)])
                invocation.output(reply) { json in "incident \(Cell.text(json["id"])) is \(Cell.text(json["state"]))" }
            }),
    ]

    /// Makes an incident command whose response lists the actions it changed.
    private static func rpc(_ action: String, summary: String) -> ClientCommand {
        ClientCommand(
            words: ["incident", action], synopsis: "ID", summary: summary, arguments: 1...1,
            run: { invocation in
                let id = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "POST", ["v1", "incidents", id], query: [("action", action)], body: [:], subjects: [.incident(id)])
                invocation.output(reply) { json in
                    if json["results"]?.arrayValue?.isEmpty ?? true { return "no actions of incident \(id) changed" }
                    return ActionCommands.table(json)
                }
            })
    }

    /// Formats the incident's fields, then its evidence, proof, notes, actions and their timeline.
    static func details(_ json: JSON) -> String {
        var sections = [
            Cell.fields(
                json,
                [
                    "id", "state", "policy", "vm_name", "vm_id", "project_id", "source_ip", "external_ips",
                    "first_seen", "last_seen", "error_rows", "evidence_count", "attribution_warning",
                ])
        ]

        var evidence = TextTable(["at", "table", "row"])
        for item in json["evidence"]?.arrayValue ?? [] { evidence.append(Cell.row(item, ["at", "table", "row"])) }
        sections.append("evidence:\n" + evidence.text)

        if let proof = json["proof"], proof != .null {
            sections.append("proof:\n" + ProofJSON.text(proof, indent: "  "))
        }

        let notes = json["notes"]?.arrayValue ?? []
        if !notes.isEmpty {
            var table = TextTable(["at", "author", "text"])
            for note in notes { table.append(Cell.row(note, ["at", "author", "text"])) }
            sections.append("notes:\n" + table.text)
        }

        let actions = json["actions"]?.arrayValue ?? []
        sections.append("actions:\n" + ActionCommands.table(["results": .array(actions)]))
        var timeline: [[String]] = []
        for action in actions {
            for event in action["events"]?.arrayValue ?? [] {
                timeline.append(
                    [Cell.text(event["at"]), Cell.text(action["id"])] + Cell.row(event, ["kind", "actor", "detail"]))
            }
        }
        if !timeline.isEmpty {
            var table = TextTable(["at", "action", "event", "actor", "detail"])
            for row in timeline.sorted(by: { $0[0] < $1[0] }) { table.append(row) }
            sections.append("timeline:\n" + table.text)
        }
        return sections.joined(separator: "\n\n")
    }
}
