import OpenStack

/// `agora rule list|show|create|delete`, `agora row list` and `agora table list|show`: the
/// rules of a policy and the tables and rows they derive.
enum RuleCommands {
    static let all: [ClientCommand] = [
        ClientCommand(
            words: ["rule", "list"], synopsis: "POLICY", summary: "list a policy's rules, one line each",
            arguments: 1...1,
            run: { invocation in
                let policy = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "GET", ["v1", "policies", policy, "rules"], subjects: [.policy(policy)])
                invocation.output(reply) {
                    Cell.table($0, columns: [("id", "id"), ("name", "name"), ("rule", "rule")])
                }
            }),
        ClientCommand(
            words: ["rule", "show"], synopsis: "POLICY RULE", summary: "show a rule (by id or name) with its comment",
            arguments: 2...2,
            run: { invocation in
                let (policy, rule) = (invocation.arguments[0], invocation.arguments[1])
                let reply = try await invocation.client.send(
                    "GET", ["v1", "policies", policy, "rules", rule],
                    subjects: [.rule(rule, policy: policy), .policy(policy)])
                invocation.output(reply, ruleFields)
            }),
        ClientCommand(
            words: ["rule", "create"], synopsis: "POLICY TEXT [--name NAME] [--comment TEXT]",
            summary: "add a rule to a policy; a syntax error prints its line:column", valued: ["name", "comment"],
            arguments: 2...2,
            run: { invocation in
                let (policy, text) = (invocation.arguments[0], invocation.arguments[1])
                var body: [String: JSON] = ["rule": .string(text)]
                if let name = invocation.option("name") { body["name"] = .string(name) }
                if let comment = invocation.option("comment") { body["comment"] = .string(comment) }
                let reply = try await invocation.client.send(
                    "POST", ["v1", "policies", policy, "rules"], body: .object(body), subjects: [.policy(policy)])
                invocation.output(reply, ruleFields)
            }),
        ClientCommand(
            words: ["rule", "delete"], synopsis: "POLICY RULE", summary: "delete a rule (by id or name)",
            arguments: 2...2,
            run: { invocation in
                let (policy, rule) = (invocation.arguments[0], invocation.arguments[1])
                let reply = try await invocation.client.send(
                    "DELETE", ["v1", "policies", policy, "rules", rule],
                    subjects: [.rule(rule, policy: policy), .policy(policy)])
                invocation.output(reply) { json in "deleted rule \(Cell.text(json["id"])) from policy \(policy)" }
            }),
        ClientCommand(
            words: ["row", "list"], synopsis: "POLICY TABLE [--trace]",
            summary: "list the rows of a policy's table (TABLE or service:table), columns col0..colN",
            flags: ["trace"], arguments: 2...2,
            run: { invocation in
                let (policy, table) = (invocation.arguments[0], invocation.arguments[1])
                let query: [(String, String)] = invocation.flag("trace") ? [("trace", "true")] : []
                let reply = try await invocation.client.send(
                    "GET", ["v1", "policies", policy, "tables", table, "rows"], query: query,
                    subjects: [.table(table, policy: policy), .policy(policy)])
                invocation.output(reply) { json in
                    let trace = json["trace"]?.stringValue.map { $0 + "\n" } ?? ""
                    return trace + rowTable(json, columns: nil)
                }
            }),
        ClientCommand(
            words: ["table", "list"], synopsis: "POLICY", summary: "list the tables a policy's rules name",
            arguments: 1...1,
            run: { invocation in
                let policy = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "GET", ["v1", "policies", policy, "tables"], subjects: [.policy(policy)])
                invocation.output(reply) { Cell.table($0, columns: [("id", "id")]) }
            }),
        ClientCommand(
            words: ["table", "show"], synopsis: "POLICY TABLE", summary: "show one table of a policy",
            arguments: 2...2,
            run: { invocation in
                let (policy, table) = (invocation.arguments[0], invocation.arguments[1])
                let reply = try await invocation.client.send(
                    "GET", ["v1", "policies", policy, "tables", table],
                    subjects: [.table(table, policy: policy), .policy(policy)])
                invocation.output(reply) { Cell.fields($0, ["id"]) }
            }),
    ]

    /// Formats a rule's fields, keeping the line breaks of the rule text.
    static func ruleFields(_ json: JSON) -> String {
        TextTable.fields([
            ("id", Cell.text(json["id"])), ("name", Cell.text(json["name"])), ("comment", Cell.text(json["comment"])),
            ("rule", json["rule"]?.stringValue ?? "-"),
        ])
    }

    /// Formats the `results` rows (`{"data": [...]}`) as a table; without column names the headers are
    /// `col0`, `col1`, ... as Congress's client shows them.
    static func rowTable(_ json: JSON, columns: [String]?) -> String {
        let rows = (json["results"]?.arrayValue ?? []).map { $0["data"]?.arrayValue ?? [] }
        let width = max(columns?.count ?? 0, rows.map(\.count).max() ?? 0)
        var headers = columns ?? []
        while headers.count < width { headers.append("col\(headers.count)") }
        var table = TextTable(headers)
        for row in rows { table.append(row.map { Cell.text($0) }) }
        return table.text
    }
}
