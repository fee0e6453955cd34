import Agora
import OpenStack

/// `agora simulate` and `agora explain`: questions asked of a policy without changing it.
enum QueryCommands {
    static let all: [ClientCommand] = [
        ClientCommand(
            words: ["simulate"], synopsis: "POLICY QUERY SEQUENCE ACTION_POLICY [--delta] [--trace]",
            summary: "answer QUERY in POLICY as if the updates in SEQUENCE had happened; one answer a line",
            flags: ["delta", "trace"], arguments: 4...4,
            run: { invocation in
                let arguments = invocation.arguments
                let body: JSON = [
                    "query": .string(arguments[1]), "sequence": .string(arguments[2]),
                    "action_policy": .string(arguments[3]),
                ]
                let query = [
                    ("action", "simulate"), ("delta", invocation.flag("delta") ? "true" : "false"),
                    ("trace", invocation.flag("trace") ? "true" : "false"),
                ]
                let reply = try await invocation.client.send(
                    "POST", ["v1", "policies", arguments[0]], query: query, body: body,
                    subjects: [.policy(arguments[0]), .policy(arguments[3])])
                invocation.output(reply) { json in
                    var lines = (json["result"]?.arrayValue ?? []).map { Cell.text($0) }
                    if let trace = json["trace"]?.stringValue { lines.append(trace) }
                    return lines.joined(separator: "\n")
                }
            }),
        ClientCommand(
            words: ["explain"], synopsis: "POLICY QUERY",
            summary: "print why each answer to QUERY holds, as a proof tree indented by depth", arguments: 2...2,
            run: { invocation in
                let (policy, query) = (invocation.arguments[0], invocation.arguments[1])
                let reply = try await invocation.client.send(
                    "GET", ["v1", "policies", policy, "explain"], query: [("query", query)], subjects: [.policy(policy)]
                )
                invocation.output(reply) { json in
                    let answers = json["results"]?.arrayValue ?? []
                    if answers.isEmpty { return "no answers to \(query) in policy \(policy)" }
                    // Each proof tree starts with the answer itself, so the tree is the whole output.
                    return answers.map { answer in
                        answer["proof"].map { ProofJSON.text($0) } ?? "\(Cell.text(answer["answer"]))  [no proof]"
                    }.joined(separator: "\n\n")
                }
            }),
    ]
}
