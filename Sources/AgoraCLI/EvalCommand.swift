import Agora
import Datalog
import Foundation

/// `agora eval --rules FILE [--facts FILE] [--schema FILE] [--kind KIND] [--explain] QUERY`
enum EvalCommand {
    static let usage = """
        usage: agora eval --rules FILE [--facts FILE] [--schema FILE] [--kind KIND] [--explain] QUERY
          --rules FILE    policy rules (Congress Datalog); may be repeated
          --facts FILE    facts; a fact written service:table(...) goes into policy `service`; may be repeated
          --schema FILE   JSON {"service": {"table": ["column", ...]}} for data sources beyond Agora's own
                          (`agora schema` lists those)
          --kind KIND     nonrecursive (default), materialized, database, or z3 (evaluated as materialized)
          --policy NAME   the policy the rules go into (default classification)
          --explain       print each answer as the root of its proof tree
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: CommandLineArguments
        do {
            parsed = try CommandLineArguments(
                arguments, valued: ["rules", "facts", "kind", "policy", "schema"], flags: ["explain", "help"])
        } catch let error as CommandLineArguments.UsageError {
            return usageError(error.message)
        } catch {
            return usageError("\(error)")
        }
        if parsed.switches.contains("help") {
            print(usage)
            return 0
        }
        let rulePaths = parsed.values["rules"] ?? []
        guard !rulePaths.isEmpty else { return usageError("missing --rules FILE") }
        guard parsed.positional.count == 1, let query = parsed.positional.first else {
            return usageError("expected exactly one QUERY, such as 'error(x)', after the options")
        }
        let kindName = parsed[option: "kind"] ?? "nonrecursive"
        guard let kind = PolicyKind(rawValue: kindName), kind != .action, kind != .datasource else {
            return usageError("unknown --kind \(kindName); use nonrecursive, materialized, database or z3")
        }
        let policy = parsed[option: "policy"] ?? "classification"

        let runtime = PolicyRuntime(now: { Int64(Date().timeIntervalSince1970) })
        var schemas = SchemaCatalog.policySchemas
        for path in parsed.values["schema"] ?? [] {
            guard let extra = readSchema(path) else { return 1 }
            schemas.merge(extra) { _, new in new }
        }
        do {
            for (service, tables) in schemas.sorted(by: { $0.key < $1.key }) where service != policy {
                try runtime.createPolicy(service, kind: .datasource, schema: tables)
            }
            try runtime.createPolicy(policy, kind: kind)
        } catch {
            return usageError(error.message)
        }

        for path in rulePaths {
            guard let rules = readFile(path) else { return 1 }
            do {
                try runtime.insert(rules, into: policy)
            } catch {
                reportError(error, file: path)
                return 1
            }
        }
        for path in parsed.values["facts"] ?? [] {
            guard let facts = readFile(path) else { return 1 }
            do {
                try loadFacts(facts, into: runtime, policy: policy)
            } catch {
                reportError(error, file: path)
                return 1
            }
        }
        do {
            if let table = missingTable(query, runtime: runtime, policy: policy) {
                FileHandle.standardError.write(Data("agora eval: note: \(table) has no rows and no rules\n".utf8))
            }
            if parsed.switches.contains("explain") {
                // The root line of each tree is the answer itself.
                for (_, proof) in try runtime.explain(query, in: policy) {
                    print(proof.rendered(relativeTo: policy))
                }
            } else {
                for answer in try runtime.query(query, in: policy) { print(answer) }
            }
        } catch {
            reportError(error, file: "<query>")
            return 1
        }
        return 0
    }

    /// Returns the table an atom query reads when that table does not exist at all.
    static func missingTable(_ query: String, runtime: PolicyRuntime, policy: String) -> String? {
        guard let statement = try? Parser.parse(query).first, statement.body.isEmpty else { return nil }
        let atom = statement.head
        let table =
            atom.modal != nil
            ? policy + ":execute[" + atom.name.description + "]"
            : (atom.name.service ?? policy) + ":" + atom.name.table + (atom.name.sign?.rawValue ?? "")
        return runtime.hasTable(table) ? nil : table
    }

    /// Inserts facts, each into the policy its service names (created when missing).
    static func loadFacts(_ text: String, into runtime: PolicyRuntime, policy: String) throws(DatalogError) {
        var changes: [PolicyChange] = []
        for statement in try Parser.parse(text) {
            guard statement.body.isEmpty, statement.heads.count == 1 else {
                throw .ruleNotPermitted(rule: statement.description, policyKind: "facts file", at: statement.location)
            }
            var fact = statement
            var target = policy
            if let service = statement.head.name.service, statement.head.modal == nil {
                target = service
                fact.heads[0].atom.name.service = nil
                if runtime.kind(of: service) == nil { try runtime.createPolicy(service, kind: .nonrecursive) }
            }
            changes.append(PolicyChange(policy: target, statement: fact, insert: true))
        }
        try runtime.apply(changes)
    }

    static func readSchema(_ path: String) -> [String: [String: [String]]]? {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(
                Data("agora: error: cannot read \(path): no such file or not readable\n".utf8))
            return nil
        }
        guard let schema = try? JSONDecoder().decode([String: [String: [String]]].self, from: data) else {
            let message = "agora: error: \(path) is not a schema; write {\"service\": {\"table\": [\"column\", ...]}}\n"
            FileHandle.standardError.write(Data(message.utf8))
            return nil
        }
        return schema
    }

    static func readFile(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(
                Data("agora: error: cannot read \(path): no such file or not readable\n".utf8))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            FileHandle.standardError.write(Data("agora: error: \(path) is not UTF-8 text\n".utf8))
            return nil
        }
        return text
    }

    static func reportError(_ error: DatalogError, file: String) {
        let separator = error.location == nil ? ": " : ":"
        FileHandle.standardError.write(Data("\(file)\(separator)\(error.description)\n".utf8))
    }

    static func usageError(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("agora eval: \(message)\n\(usage)\n".utf8))
        return 2
    }
}
