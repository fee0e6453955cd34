import Foundation
import OpenStack

/// `agora datasource ...`: the data sources, their status and schema, and their rows.
enum DataSourceCommands {
    static let fieldOrder = ["id", "name", "driver", "enabled", "description", "config"]

    static let all: [ClientCommand] = [
        ClientCommand(
            words: ["datasource", "list"], synopsis: "", summary: "list the data sources", arguments: 0...0,
            run: { invocation in
                let reply = try await invocation.client.send("GET", ["v1", "data-sources"])
                invocation.output(reply) { json in
                    Cell.table(
                        json,
                        columns: [
                            ("id", "id"), ("name", "name"), ("driver", "driver"), ("enabled", "enabled"),
                            ("config", "config"),
                        ])
                }
            }),
        ClientCommand(
            words: ["datasource", "show"], synopsis: "DATASOURCE", summary: "show a data source (by name or id)",
            arguments: 1...1,
            run: { invocation in
                let reply = try await get(invocation, [])
                invocation.output(reply) { Cell.fields($0, fieldOrder) }
            }),
        ClientCommand(
            words: ["datasource", "create"],
            synopsis: "DRIVER NAME [--config KEY=VALUE]... [--description TEXT] [--disabled]",
            summary: "create a data source; `GET /v1/system/drivers/DRIVER` lists a driver's options",
            valued: ["config", "description"], flags: ["disabled"], arguments: 2...2, run: create),
        ClientCommand(
            words: ["datasource", "delete"], synopsis: "DATASOURCE", summary: "delete a data source", arguments: 1...1,
            run: { invocation in
                let name = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "DELETE", ["v1", "data-sources", name], subjects: [.dataSource(name)])
                invocation.output(reply) { _ in "deleted data source \(name)" }
            }),
        ClientCommand(
            words: ["datasource", "status"], synopsis: "DATASOURCE",
            summary: "show when a data source last updated, its last error and its ingest counts", arguments: 1...1,
            run: { invocation in
                let reply = try await get(invocation, ["status"])
                invocation.output(reply) { json in
                    Cell.fields(
                        json,
                        [
                            "initialized", "last_updated", "last_error", "number_of_updates", "records_read",
                            "records_rejected", "rate_per_second",
                        ])
                }
            }),
        ClientCommand(
            words: ["datasource", "refresh"], synopsis: "DATASOURCE",
            summary: "ask a data source to poll now", arguments: 1...1,
            run: { invocation in
                let name = invocation.arguments[0]
                let reply = try await invocation.client.send(
                    "POST", ["v1", "data-sources", name], query: [("action", "request-refresh")], body: [:],
                    subjects: [.dataSource(name)])
                invocation.output(reply) { _ in "refresh requested for data source \(name)" }
            }),
        ClientCommand(
            words: ["datasource", "schema"], synopsis: "DATASOURCE", summary: "list a data source's tables and columns",
            arguments: 1...1,
            run: { invocation in
                let reply = try await get(invocation, ["schema"])
                invocation.output(reply) { json in
                    var table = TextTable(["table", "columns"])
                    for item in json["tables"]?.arrayValue ?? [] {
                        let columns = (item["columns"]?.arrayValue ?? []).map { Cell.text($0["name"]) }
                        table.append([Cell.text(item["table_id"]), columns.joined(separator: ", ")])
                    }
                    return table.text
                }
            }),
        ClientCommand(
            words: ["datasource", "row", "list"], synopsis: "DATASOURCE TABLE",
            summary: "list the rows of a data source's table, with its column names", arguments: 2...2,
            run: { invocation in
                let (name, table) = (invocation.arguments[0], invocation.arguments[1])
                let subjects: [Subject] = [.dataSourceTable(table, source: name), .dataSource(name)]
                let reply = try await invocation.client.send(
                    "GET", ["v1", "data-sources", name, "tables", table, "rows"], subjects: subjects)
                if invocation.json {
                    print(reply.text)
                    return
                }
                let spec = try await invocation.client.send(
                    "GET", ["v1", "data-sources", name, "tables", table, "spec"], subjects: subjects)
                let columns = (spec.json["columns"]?.arrayValue ?? []).map { Cell.text($0["name"]) }
                print(RuleCommands.rowTable(reply.json, columns: columns))
            }),
        ClientCommand(
            words: ["datasource", "row", "update"], synopsis: "DATASOURCE TABLE ROWS",
            summary: "replace the rows of a push data source's table; ROWS is a JSON list of lists, or - for stdin",
            arguments: 3...3, run: updateRows),
    ]

    private static func get(_ invocation: ClientInvocation, _ rest: [String]) async throws -> APIReply {
        let name = invocation.arguments[0]
        return try await invocation.client.send(
            "GET", ["v1", "data-sources", name] + rest, subjects: [.dataSource(name)])
    }

    private static func create(_ invocation: ClientInvocation) async throws {
        let (driver, name) = (invocation.arguments[0], invocation.arguments[1])
        var config: [String: JSON] = [:]
        for item in invocation.options.values["config"] ?? [] {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ClientError.usage("invalid --config '\(item)'; write --config KEY=VALUE")
            }
            config[String(item[..<equals])] = .string(String(item[item.index(after: equals)...]))
        }
        var body: [String: JSON] = [
            "driver": .string(driver), "name": .string(name), "config": .object(config),
            "enabled": .bool(!invocation.flag("disabled")),
        ]
        if let description = invocation.option("description") { body["description"] = .string(description) }
        let reply = try await invocation.client.send("POST", ["v1", "data-sources"], body: .object(body))
        invocation.output(reply) { Cell.fields($0, fieldOrder) }
    }

    private static func updateRows(_ invocation: ClientInvocation) async throws {
        let (name, table, text) = (invocation.arguments[0], invocation.arguments[1], invocation.arguments[2])
        let data = text == "-" ? FileHandle.standardInput.readDataToEndOfFile() : Data(text.utf8)
        let rows: JSON
        do {
            rows = try JSON.parse(data, source: "ROWS")
        } catch {
            throw ClientError.usage("ROWS is not JSON (\(error)); write a list of rows such as '[[\"a\", 1]]'")
        }
        guard let list = rows.arrayValue else {
            throw ClientError.usage("ROWS must be a JSON list of rows, such as '[[\"a\", 1]]'")
        }
        let reply = try await invocation.client.send(
            "PUT", ["v1", "data-sources", name, "tables", table, "rows"], rawBody: Data(rows.text.utf8),
            subjects: [.dataSourceTable(table, source: name), .dataSource(name)])
        invocation.output(reply) { _ in "replaced the rows of \(name):\(table) with \(list.count) rows" }
    }
}
