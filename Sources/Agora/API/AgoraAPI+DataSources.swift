import DataSources
import Datalog
import Foundation
import OpenStack

extension SourceRequestError {
    var failure: APIFailure {
        switch self {
        case .invalidName, .configuration: return .badRequest(description)
        case .duplicate: return APIFailure(status: 409, code: 409, message: "Conflict::\(description)")
        case .notFound: return .notFound(description)
        case .storage: return APIFailure(status: 500, code: 500, message: "Internal server error::\(description)")
        }
    }
}

extension AgoraAPI {
    func sourceJSON(_ config: DataSourceConfig) -> JSON {
        .object([
            "id": .string(config.id), "name": .string(config.name), "driver": .string(config.driver),
            "description": .string(config.description), "type": .null, "enabled": .bool(config.enabled),
            "config": .object(config.options.mapValues { .string($0) }),
        ])
    }

    /// `/v1/data-sources[/...]`.
    func dataSources(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        if path.isEmpty {
            switch request.method {
            case "GET": return .json(["results": .array(service.sources.map { sourceJSON($0.config) })])
            case "POST": return try createSource(request)
            default: throw unsupported(request)
            }
        }
        guard let source = service.source(path[0]) else {
            throw APIFailure.notFound("No data source found with name or id \(path[0])")
        }
        if path.count == 1 {
            switch request.method {
            case "GET": return .json(sourceJSON(source.config))
            case "DELETE":
                try requireAdmin(request)
                do {
                    try service.deleteSource(source.config.id, by: request.principal.actor)
                } catch {
                    throw error.failure
                }
                return .json(.null)
            case "POST":
                switch try rpcAction(request) {
                case "request_refresh":
                    try requireOperator(request)
                    source.requestRefresh()
                    return .json(.null)
                default:
                    throw APIFailure(
                        status: 501, code: 501, message: "Not Implemented::\(request.parameter("action")!)")
                }
            default: throw unsupported(request)
            }
        }
        switch (request.method, path[1]) {
        case ("GET", "status") where path.count == 2: return .json(statusJSON(source))
        case ("GET", "rates") where path.count == 2:
            let points = service.ratePoints(source.config.name)
            return .json([
                "interval_seconds": 60,
                "points": .array(
                    points.map { .object(["at": .string(Timestamps.text($0.at)), "records": .int(Int64($0.records))]) }),
            ])
        case ("GET", "actions") where path.count == 2: return .json(["results": .array(actionList(source))])
        case ("GET", "schema") where path.count == 2:
            return .json(["tables": .array(source.tables.keys.sorted().map { tableSpec(source, $0) })])
        case ("POST", "events") where path.count == 2: return try pushEvents(request, source)
        case ("GET", "rejections") where path.count == 2:
            guard let ids = source as? IDSSource else {
                throw APIFailure.badRequest("data source \(source.config.name) reads no lines, so it rejects none")
            }
            return .json([
                "results": .array(
                    ids.rejections().map {
                        [
                            "source": .string($0.source), "line": .int(Int64($0.lineNumber)),
                            "reason": .string($0.reason),
                            "excerpt": .string($0.excerpt),
                        ]
                    })
            ])
        case (_, "tables"): return try sourceTables(request, source, Array(path.dropFirst(2)))
        default: throw APIFailure.notFound("no resource \(path.joined(separator: "/"))")
        }
    }

    private func createSource(_ request: APIRequest) throws -> APIResponse {
        try requireAdmin(request)
        let body = try request.object()
        guard let name = body["name"]?.stringValue, let driver = body["driver"]?.stringValue else {
            throw APIFailure.badRequest("a data source needs a name and a driver")
        }
        var options: [String: String] = [:]
        if let config = body["config"], config != .null {
            guard let members = config.objectValue else { throw APIFailure.badRequest("config must be an object") }
            for (key, value) in members {
                switch value {
                case .string(let text): options[key] = text
                case .int(let number): options[key] = String(number)
                case .bool(let flag): options[key] = flag ? "true" : "false"
                case .double(let number): options[key] = String(number)
                default: throw APIFailure.badRequest("config option \(key) must be a string or a number")
                }
            }
        }
        let config = DataSourceConfig(
            name: name, driver: driver, description: body["description"]?.stringValue ?? "",
            enabled: body["enabled"]?.boolValue ?? true, options: options)
        do {
            let source = try service.createSource(config, by: request.principal.actor)
            return created(request, sourceJSON(source.config), id: source.config.id)
        } catch {
            throw error.failure
        }
    }

    func statusJSON(_ source: any ManagedSource) -> JSON {
        let status = source.status()
        return .object([
            "last_updated": .string(status.lastUpdated.map(Timestamps.text) ?? "None"),
            "last_error": .string(status.lastError ?? "None"),
            "number_of_updates": .string(String(status.numberOfUpdates)),
            "initialized": .string(status.initialized ? "True" : "False"), "subscriptions": [], "subscribers": [],
            "records_read": .int(Int64(status.recordsRead)), "records_rejected": .int(Int64(status.recordsRejected)),
            "rate_per_second": .double(service.rate(source.config.name)),
            "tables": .object(
                Dictionary(
                    uniqueKeysWithValues: source.tables.keys.map { table in
                        (table, JSON.int(Int64(service.engine.withRuntime { $0.rowCount(of: table) })))
                    })),
        ])
    }

    private func actionList(_ source: any ManagedSource) -> [JSON] {
        guard ["nova", "neutronv2", "simulated"].contains(source.config.driver) else { return [] }
        let vm = JSON.object(["name": "vm", "description": "server id"])
        let address = JSON.object(["name": "source_ip", "description": "the flagged address of the server"])
        return [
            ("quarantine", "replace every port's groups with the quarantine group; ports that cannot take one go down"),
            ("port_down", "set every port of the server down"), ("pause", "pause the server"),
            ("lock", "lock the server so that its owner cannot undo the response"),
        ].map { name, text in
            .object(["name": .string("agora:" + name), "args": [vm, address], "description": .string(text)])
        }
    }

    private func tableSpec(_ source: any ManagedSource, _ table: String) -> JSON {
        let columns = source.tables[table] ?? []
        return .object([
            "table_id": .string(shortName(table, of: source)),
            "columns": .array(columns.map { .object(["name": .string($0), "description": "None"]) }),
        ])
    }

    private func shortName(_ table: String, of source: any ManagedSource) -> String {
        guard let colon = table.firstIndex(of: ":") else { return table }
        let service = String(table[..<colon])
        let rest = String(table[table.index(after: colon)...])
        return service == source.config.name || source.tables.keys.allSatisfy({ $0.hasPrefix(service + ":") })
            ? rest : table
    }

    private func fullName(_ table: String, of source: any ManagedSource) -> String? {
        source.tables.keys.first { $0 == table || shortName($0, of: source) == table }
    }

    private func sourceTables(_ request: APIRequest, _ source: any ManagedSource, _ path: [String]) throws
        -> APIResponse
    {
        if path.isEmpty {
            guard request.method == "GET" else { throw unsupported(request) }
            return .json([
                "results": .array(
                    source.tables.keys.sorted().map { .object(["id": .string(shortName($0, of: source))]) })
            ])
        }
        guard let table = fullName(path[0], of: source) else {
            throw APIFailure.notFound("Table '\(path[0])' for datasource '\(source.config.name)' has no schema ")
        }
        if path.count == 1 && request.method == "GET" { return .json(["id": .string(shortName(table, of: source))]) }
        guard path.count == 2 else { throw APIFailure.notFound("no such table resource") }
        switch (request.method, path[1]) {
        case ("GET", "spec"): return .json(tableSpec(source, table))
        case ("GET", "rows"):
            let rows = service.engine.withRuntime { $0.rows(of: table) }
            let visible = request.principal.isAdmin ? rows : rows.filter { rowVisible($0, to: request.principal) }
            return .json(["results": .array(visible.map { .object(["data": .array($0.map(Self.json))]) })])
        case ("PUT", "rows"):
            // Data sources feed every policy, so changing their rows is for admins (and the
            // admin keys that sensors and other pushers use).
            try requireAdmin(request)
            guard let push = source as? PushSource else {
                throw APIFailure.badRequest("data source \(source.config.name) is not a push data source")
            }
            guard let list = try request.json()?.arrayValue else {
                throw APIFailure.badRequest("the body must be a JSON list of rows, each a list of values")
            }
            var rows: [Row] = []
            for item in list {
                let values = item.arrayValue ?? item["data"]?.arrayValue
                guard let values else { throw APIFailure.badRequest("each row must be a list of values: \(item.text)") }
                rows.append(try values.map(Self.value))
            }
            do {
                try push.replace(table: shortName(table, of: source), rows: rows)
            } catch {
                throw APIFailure.badRequest(error.description)
            }
            service.settle()
            return APIResponse(status: 200)
        default: throw unsupported(request)
        }
    }

    static func value(_ json: JSON) throws(APIFailure) -> Value {
        switch json {
        case .string(let text): return .string(text)
        case .int(let number): return .int(number)
        case .double(let number): return .float(number)
        case .bool(let flag): return .string(flag ? "True" : "False")
        case .null: return .string("None")
        default: throw APIFailure.badRequest("a row value must be a string, a number, a boolean or null: \(json.text)")
        }
    }

    private func pushEvents(_ request: APIRequest, _ source: any ManagedSource) throws -> APIResponse {
        try requireAdmin(request)
        guard let ids = source as? IDSSource else {
            throw APIFailure.badRequest("data source \(source.config.name) does not take IDS events")
        }
        let lines = request.body.split(separator: 0x0a, omittingEmptySubsequences: true)
        let read = ids.push(lines: lines.map { ArraySlice($0) }, source: "http:\(request.principal.user)")
        return .json(["read": .int(Int64(read))])
    }

    /// `/v1/system/drivers[/{driver}]`.
    func system(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        guard request.method == "GET", path.first == "drivers" else { throw APIFailure.notFound("no such resource") }
        if path.count == 1 {
            return .json([
                "results": .array(
                    SourceFactory.drivers.map {
                        .object(["id": .string($0.id), "description": .string($0.description)])
                    })
            ])
        }
        guard let driver = SourceFactory.drivers.first(where: { $0.id == path[1] }) else {
            throw APIFailure.notFound("No driver named \(path[1])")
        }
        let options = ConfigOption.driverOptions[driver.id] ?? []
        return .json([
            "id": .string(driver.id), "description": .string(driver.description),
            "config": .object(
                Dictionary(
                    uniqueKeysWithValues: options.map { ($0.name, .string($0.required ? "required" : "(optional)")) })),
            "secret": [],
            "tables": .array(
                driver.tables.map { schema in
                    .object([
                        "table_id": .string(schema.name),
                        "columns": .array(
                            schema.columns.map { .object(["name": .string($0), "description": "None"]) }),
                    ])
                }),
        ])
    }
}
