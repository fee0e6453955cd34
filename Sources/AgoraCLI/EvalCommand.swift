import Datalog
import Foundation

/// `agora eval --rules FILE [--facts FILE] [--kind KIND] [--explain] QUERY`
enum EvalCommand {
    static let usage = """
        usage: agora eval --rules FILE [--facts FILE] [--kind KIND] [--explain] QUERY
          --rules FILE   policy rules (Congress Datalog)
          --facts FILE   facts; a fact written service:table(...) goes into policy `service`
          --kind KIND    nonrecursive (default), materialized, database, z3
          --explain      print the proof tree under each answer
        """

    static func run(_ arguments: [String]) -> Int32 {
        let parsed: CommandLineArguments
        do {
            parsed = try CommandLineArguments(
                arguments, valued: ["rules", "facts", "kind", "policy"], flags: ["explain", "help"])
        } catch let error as CommandLineArguments.UsageError {
            return usageError(error.message)
        } catch {
            return usageError("\(error)")
        }
        if parsed.switches.contains("help") {
            print(usage)
            return 0
        }
        guard let rulesPath = parsed.options["rules"] else { return usageError("missing --rules FILE") }
        guard parsed.positional.count == 1, let query = parsed.positional.first else {
            return usageError("expected exactly one QUERY, such as 'error(x)'")
        }
        let kindName = parsed.options["kind"] ?? "nonrecursive"
        guard let kind = PolicyKind(rawValue: kindName), kind != .action, kind != .datasource else {
            return usageError("unknown --kind \(kindName); use nonrecursive, materialized, database or z3")
        }
        let policy = parsed.options["policy"] ?? "classification"

        let runtime = PolicyRuntime(now: { Int64(Date().timeIntervalSince1970) })
        do {
            try runtime.createPolicy(policy, kind: kind)
        } catch {
            return usageError(error.message)
        }
        guard let rules = readFile(rulesPath) else { return 1 }
        do {
            try runtime.insert(rules, into: policy)
        } catch {
            reportError(error, file: rulesPath)
            return 1
        }
        if let factsPath = parsed.options["facts"] {
            guard let facts = readFile(factsPath) else { return 1 }
            do {
                try loadFacts(facts, into: runtime, policy: policy)
            } catch {
                reportError(error, file: factsPath)
                return 1
            }
        }
        do {
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

    /// Inserts facts, each into the policy its service names (created when missing).
    static func loadFacts(_ text: String, into runtime: PolicyRuntime, policy: String) throws(DatalogError) {
        var changes: [PolicyChange] = []
        for statement in try Parser.parse(text) {
            var fact = statement
            var target = policy
            if statement.body.isEmpty, statement.heads.count == 1, let service = statement.head.name.service,
                statement.head.modal == nil
            {
                target = service
                fact.heads[0].atom.name.service = nil
                if runtime.kind(of: service) == nil { try runtime.createPolicy(service, kind: .nonrecursive) }
            }
            changes.append(PolicyChange(policy: target, statement: fact, insert: true))
        }
        try runtime.apply(changes)
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
