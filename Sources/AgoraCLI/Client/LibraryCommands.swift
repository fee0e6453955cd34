import Foundation
import OpenStack

/// `agora library list|show|create|delete`: the policy library that new policies copy from.
enum LibraryCommands {
    static let all: [ClientCommand] = [
        ClientCommand(
            words: ["library", "list"], synopsis: "", summary: "list the library policies", arguments: 0...0,
            run: { invocation in
                let reply = try await invocation.client.send("GET", ["v1", "librarypolicies"])
                invocation.output(reply) { json in
                    var table = TextTable(["id", "name", "kind", "rules", "description"])
                    for item in json["results"]?.arrayValue ?? [] {
                        table.append(
                            Cell.row(item, ["id", "name", "kind"]) + [
                                String(item["rules"]?.arrayValue?.count ?? 0), Cell.text(item["description"]),
                            ])
                    }
                    return table.text
                }
            }),
        ClientCommand(
            words: ["library", "show"], synopsis: "NAME",
            summary: "show a library policy (by name or id) and its rules",
            arguments: 1...1,
            run: { invocation in
                let name = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "GET", ["v1", "librarypolicies", name], subjects: [.library(name)])
                invocation.output(reply, details)
            }),
        ClientCommand(
            words: ["library", "create"], synopsis: "FILE",
            summary: "add a library policy from a YAML or JSON file (name, kind, description, rules)",
            arguments: 1...1, run: create),
        ClientCommand(
            words: ["library", "delete"], synopsis: "NAME", summary: "delete a library policy", arguments: 1...1,
            run: { invocation in
                let name = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "DELETE", ["v1", "librarypolicies", name], subjects: [.library(name)])
                invocation.output(reply) { json in
                    "deleted library policy \(Cell.text(json["name"])) (\(Cell.text(json["id"])))"
                }
            }),
    ]

    /// Formats the policy's fields, then each rule with its name and comment.
    static func details(_ json: JSON) -> String {
        var text = Cell.fields(json, ["id", "name", "abbreviation", "kind", "description"])
        for rule in json["rules"]?.arrayValue ?? [] {
            text += "\n\n"
            if let name = rule["name"]?.stringValue, !name.isEmpty { text += "// \(name)\n" }
            if let comment = rule["comment"]?.stringValue, !comment.isEmpty {
                text += comment.split(separator: "\n").map { "// \($0)" }.joined(separator: "\n") + "\n"
            }
            text += Cell.text(rule["rule"])
        }
        return text
    }

    private static func create(_ invocation: ClientInvocation) async throws {
        let path = invocation.arguments[0]
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClientError.usage("cannot read library policy file \(path); check the path")
        }
        let text = String(decoding: data, as: UTF8.self)
        let document: JSON
        do {
            document = path.hasSuffix(".json") ? try JSON.parse(data, source: path) : try YAML.parse(text, source: path)
        } catch {
            throw ClientError.usage("\(path) is not valid \(path.hasSuffix(".json") ? "JSON" : "YAML"): \(error)")
        }
        guard document.objectValue != nil else {
            throw ClientError.usage("\(path) must hold one policy object with name, kind, description and rules")
        }
        let reply = try await invocation.client.send("POST", ["v1", "librarypolicies"], body: document)
        invocation.output(reply, details)
    }
}
