import Datalog
import Foundation
import OpenStack

extension AgoraAPI {
    func policyJSON(_ policy: PolicyInfo, rules: [RuleInfo]? = nil) -> JSON {
        var object: [String: JSON] = [
            "id": .string(policy.id), "name": .string(policy.name), "abbreviation": .string(policy.abbreviation),
            "description": .string(policy.description), "owner_id": .string(policy.ownerID),
            "kind": .string(policy.kind.rawValue), "mode": .string(policy.mode),
        ]
        if let rules {
            object["rules"] = .array(
                rules.map {
                    .object(["rule": .string($0.text), "name": .string($0.name), "comment": .string($0.comment)])
                }
            )
        }
        return .object(object)
    }

    func ruleJSON(_ rule: RuleInfo, text: String? = nil) -> JSON {
        .object([
            "id": .string(rule.id), "rule": .string(text ?? rule.text), "name": .string(rule.name),
            "comment": .string(rule.comment),
        ])
    }

    /// `/v1/policies[/...]`.
    func policies(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        let catalog = service.catalog!
        if path.isEmpty {
            switch request.method {
            case "GET": return .json(["results": .array(catalog.all.map { policyJSON($0) })])
            case "POST": return try createPolicy(request)
            default: throw unsupported(request)
            }
        }
        let policy = try catalog.policy(path[0])
        if path.count == 1 {
            switch request.method {
            case "GET": return .json(policyJSON(policy))
            case "DELETE":
                try requirePolicyWriter(request, policy)
                return .json(policyJSON(try catalog.deletePolicy(policy.id, by: request.principal.actor)))
            case "POST": return try policyAction(request, policy)
            default: throw unsupported(request)
            }
        }
        switch path[1] {
        case "status" where path.count == 2 && request.method == "GET":
            return .json(["name": .string(policy.name), "id": .string(policy.id)])
        case "mode" where path.count == 2:
            guard request.method == "PUT" else { throw unsupported(request) }
            try requirePolicyWriter(request, policy)
            guard let mode = try request.object()["mode"]?.stringValue else {
                throw APIFailure.badRequest("the body must be {\"mode\": \"monitor|dry-run|approve|enforce\"}")
            }
            return .json(policyJSON(try catalog.setMode(policy.id, mode: mode, by: request.principal.actor)))
        case "explain" where path.count == 2 && request.method == "GET":
            return try explain(request, policy)
        case "rules": return try rules(request, policy, Array(path.dropFirst(2)))
        case "tables": return try tables(request, policy, Array(path.dropFirst(2)))
        default:
            throw APIFailure.notFound(
                "no resource under policy \(policy.name) named \(path[1...].joined(separator: "/"))")
        }
    }

    private func createPolicy(_ request: APIRequest) throws -> APIResponse {
        try requireOperator(request)
        let catalog = service.catalog!
        // An operator's policy belongs to its project; the guard keeps its actions there.
        let owner = request.principal.isAdmin ? "user" : (request.principal.projectID ?? "user")
        if owner == "user" { try requireAdmin(request) }
        if let libraryID = request.parameter("library_policy") {
            if let body = try request.json(), body != .null, body.objectValue?.isEmpty == false {
                throw APIFailure.badRequest("a policy made from a library policy takes no body")
            }
            guard let template = try service.library.policy(libraryID) else {
                throw APIFailure.notFound("No library policy found with name or id \(libraryID)")
            }
            let (policy, rules) = try catalog.createPolicy(
                name: template.name, abbreviation: template.abbreviation, description: template.description,
                kind: template.kind, rules: template.rules, mode: service.defaultMode, ownerID: owner,
                by: request.principal.actor)
            return created(request, policyJSON(policy, rules: rules), id: policy.id)
        }
        let body = try request.object()
        if body["id"] != nil && body["id"] != .null {
            throw APIFailure(
                status: 400, code: 1015, message: "An ID may not be provided when creating a policy")
        }
        var rules: [LibraryPolicy.Rule] = []
        if let list = body["rules"], list != .null {
            guard let items = list.arrayValue else {
                throw APIFailure.badRequest("Input policy item violates schema.", data: "rules must be a list")
            }
            for item in items {
                guard let text = item["rule"]?.stringValue else {
                    throw APIFailure.badRequest(
                        "Input policy item violates schema.", data: "each rule is an object with a rule string")
                }
                rules.append(
                    LibraryPolicy.Rule(
                        rule: text, name: item["name"]?.stringValue ?? "", comment: item["comment"]?.stringValue ?? ""))
            }
        }
        for field in ["name", "abbreviation", "description", "kind", "mode"] {
            if let value = body[field], value != .null, value.stringValue == nil {
                throw APIFailure.badRequest(
                    "Input policy item violates schema.", data: .string("\(field) must be a string"))
            }
        }
        let (policy, stored) = try catalog.createPolicy(
            name: body["name"]?.stringValue, abbreviation: body["abbreviation"]?.stringValue,
            description: body["description"]?.stringValue, kind: body["kind"]?.stringValue, rules: rules,
            mode: body["mode"]?.stringValue ?? service.defaultMode, ownerID: owner, by: request.principal.actor)
        return created(request, policyJSON(policy, rules: body["rules"] == nil ? nil : stored), id: policy.id)
    }

    func created(_ request: APIRequest, _ body: JSON, id: String) -> APIResponse {
        let location = "/" + request.segments.joined(separator: "/") + "/" + id
        return .json(body, status: 201, headers: [("Location", location)])
    }

    private func policyAction(_ request: APIRequest, _ policy: PolicyInfo) throws -> APIResponse {
        switch try rpcAction(request) {
        case "simulate":
            let body = try request.object()
            guard let query = body["query"]?.stringValue, let sequence = body["sequence"]?.stringValue,
                let actionPolicy = body["action_policy"]?.stringValue
            else {
                throw APIFailure(
                    status: 400, code: 1004,
                    message: "Simulate requires parameters: query, sequence, action_policy")
            }
            var results = try service.engine.withRuntime { runtime throws(DatalogError) in
                try runtime.simulate(
                    query: query, policy: policy.name, sequence: sequence, actionPolicy: actionPolicy,
                    delta: request.flag("delta"))
            }
            if !request.principal.isAdmin {
                results = results.filter { answerVisible($0, to: request.principal) }
            }
            var answer: [String: JSON] = ["result": .array(results.map { .string($0) })]
            if request.flag("trace") { answer["trace"] = .string("simulated \(results.count) answers") }
            return .json(.object(answer))
        case "execute":
            try requirePolicyWriter(request, policy)
            let body = try request.object()
            guard let name = body["name"]?.stringValue, name.split(separator: ":").count == 2 else {
                throw APIFailure(
                    status: 400, code: 1017, message: "Incorrect action syntax. Requires: <service>:<action>")
            }
            if let args = body["args"], args != .null, args.objectValue == nil {
                throw APIFailure(
                    status: 400, code: 1018,
                    message: "Incorrect argument syntax. Requires: {'positional': [<args>], 'named': {<key>:<value>,}}"
                )
            }
            throw APIFailure(
                status: 501, code: 501, message: "Not Implemented::direct execution of \(name) is not available yet")
        default:
            throw APIFailure(
                status: 501, code: 501, message: "Method not supported: action \(request.parameter("action") ?? "")")
        }
    }

    private func explain(_ request: APIRequest, _ policy: PolicyInfo) throws -> APIResponse {
        guard let query = request.parameter("query"), !query.isEmpty else {
            throw APIFailure.badRequest("explain needs ?query=ATOM, such as error(x, y, z, t, w)")
        }
        var answers = try service.engine.withRuntime { runtime throws(DatalogError) in
            try runtime.explain(query, in: policy.name)
        }
        // NOTE: only the explained row is checked against the caller's project, not every row
        // inside its proof.
        if !request.principal.isAdmin {
            answers = answers.filter { rowVisible($0.proof.values, to: request.principal) }
        }
        return .json([
            "results": .array(
                answers.map {
                    .object(["answer": .string($0.answer), "proof": ProofJSON.json($0.proof, relativeTo: policy.name)])
                })
        ])
    }

    private func rules(_ request: APIRequest, _ policy: PolicyInfo, _ path: [String]) throws -> APIResponse {
        let catalog = service.catalog!
        if path.isEmpty {
            switch request.method {
            case "GET": return .json(["results": .array(try catalog.rules(of: policy.id).map { ruleJSON($0) })])
            case "POST":
                try requirePolicyWriter(request, policy)
                let body = try request.object()
                guard let text = body["rule"]?.stringValue else {
                    throw CatalogError.emptyRule
                }
                let rule = try catalog.addRule(
                    text, to: policy.id, name: body["name"]?.stringValue, comment: body["comment"]?.stringValue,
                    by: request.principal.actor)
                let pretty = (try? Parser.parse(text).first).map(RuleFormatting.congressText) ?? text
                return created(request, ruleJSON(rule, text: pretty), id: rule.id)
            default: throw unsupported(request)
            }
        }
        let rule = try catalog.rule(path[0], of: policy.id)
        if path.count == 2 && path[1] == "status" && request.method == "GET" {
            return .json([
                "name": .string(rule.name), "id": .string(rule.id), "comment": .string(rule.comment),
                "original_str": .string(rule.text),
            ])
        }
        guard path.count == 1 else { throw APIFailure.notFound("no such rule resource") }
        switch request.method {
        case "GET": return .json(ruleJSON(rule))
        case "DELETE":
            try requirePolicyWriter(request, policy)
            return .json(ruleJSON(try catalog.deleteRule(rule.id, from: policy.id, by: request.principal.actor)))
        default: throw unsupported(request)
        }
    }

    private func tables(_ request: APIRequest, _ policy: PolicyInfo, _ path: [String]) throws -> APIResponse {
        guard request.method == "GET" else { throw unsupported(request) }
        let names = service.engine.withRuntime { runtime in Self.tableNames(runtime, policy: policy.name) }
        if path.isEmpty { return .json(["results": .array(names.map { .object(["id": .string($0)]) })]) }
        let table = path[0]
        guard names.contains(table) else { throw APIFailure.notFound("table '\(table)' doesn't exist") }
        if path.count == 1 { return .json(["id": .string(table)]) }
        guard path.count == 2, path[1] == "rows" else { throw APIFailure.notFound("no such table resource") }
        let rows = try service.engine.withRuntime { runtime throws(DatalogError) in
            try Self.rows(runtime, policy: policy.name, table: table)
        }
        let visible = rows.filter { row in request.principal.isAdmin || rowVisible(row, to: request.principal) }
        var answer: [String: JSON] = ["results": .array(visible.map { .object(["data": .array($0.map(Self.json))]) })]
        if request.flag("trace") { answer["trace"] = .string("\(visible.count) rows of \(policy.name):\(table)") }
        return .json(.object(answer))
    }

    /// A non-admin sees a row only when it names a VM or project of its own project.
    func rowVisible(_ row: Row, to principal: Principal) -> Bool {
        guard let project = principal.projectID else { return false }
        let servers = service.projectOfServers()
        for value in row {
            guard let text = value.string else { continue }
            if text == project || servers[text] == project { return true }
        }
        return false
    }

    /// Returns whether a non-admin may see one answer of simulate, given as text such as `p("vm-1", 2)`.
    /// The answer's constants must pass `rowVisible`. An answer that does not parse is hidden.
    func answerVisible(_ text: String, to principal: Principal) -> Bool {
        guard let statement = try? Parser.parse(text).first else { return false }
        var values: Row = []
        for argument in statement.head.arguments {
            if case .constant(let value) = argument.term { values.append(value) }
        }
        return rowVisible(values, to: principal)
    }

    /// The tables a policy's rules and facts mention, Congress's way: other policies' tables as
    /// `service:table`, built-ins and `execute[...]` left out.
    static func tableNames(_ runtime: PolicyRuntime, policy: String) -> [String] {
        var names = Set(
            runtime.tables(of: policy).filter { !$0.hasPrefix("execute[") && !$0.hasSuffix("+") && !$0.hasSuffix("-") })
        for rule in runtime.rules(of: policy) {
            for literal in rule.heads + rule.body where literal.atom.modal == nil {
                let name = literal.atom.name
                if Builtins.isBuiltinName(name.table) && name.service == nil { continue }
                if name.service == "builtin" { continue }
                names.insert(name.service.map { $0 + ":" + name.table } ?? name.table)
            }
        }
        return names.sorted()
    }

    static func rows(_ runtime: PolicyRuntime, policy: String, table: String) throws(DatalogError) -> [Row] {
        let full = table.contains(":") ? table : policy + ":" + table
        return runtime.rows(of: full).sorted {
            $0.map(\.description).joined(separator: ",") < $1.map(\.description).joined(separator: ",")
        }
    }

    static func json(_ value: Value) -> JSON {
        switch value {
        case .int(let number): return .int(number)
        case .float(let number): return .double(number)
        case .string(let text): return .string(text)
        }
    }
}
