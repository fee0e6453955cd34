import Datalog
import Foundation

/// The outcome of one policy test case: nil failure means it passed.
public struct PolicyTestResult: Sendable {
    public var name: String
    /// The difference from the expectation, in one line.
    public var failure: String?
}

/// Runs policy test cases against a fresh `PolicyRuntime` each.
public enum PolicyTestRunner {
    /// A test file that cannot be used, with the reason in one line.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    static let caseFields: Set<String> = [
        "name", "kind", "policy", "other_policies", "pre_rules", "rules", "facts", "updates", "simulate", "query",
        "expected", "expected_calls", "expected_error", "source", "expected_origin", "notes",
    ]
    static let nestedFields: [String: Set<String>] = [
        "other_policies": ["name", "kind", "schema", "rules", "facts"],
        "updates": ["op", "text", "policy", "expect_permitted"],
        "simulate": ["action_policy", "action_rules", "sequence", "delta"],
        "expected_error": ["kind", "message"],
    ]
    /// The values `kind` may take.
    public static let kinds = [
        "nonrecursive", "materialized", "database", "action", "z3", "simulate", "execute", "materialized-recursive",
    ]

    /// Reads a JSON array of cases from `path`, rejecting unknown fields so that a misspelt
    /// `expected` cannot make a case pass by checking nothing.
    public static func load(_ path: String) throws -> [PolicyTestCase] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "cannot read \(path): no such file or not readable")
        }
        guard let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw LoadError(description: "\(path) is not a JSON array of test cases")
        }
        for (index, object) in array.enumerated() {
            let name = (object["name"] as? String).map { " (\($0))" } ?? ""
            let unknown = Set(object.keys).subtracting(caseFields).sorted()
            if let field = unknown.first {
                throw LoadError(
                    description:
                        "case \(index)\(name): unknown field '\(field)'; known fields: \(caseFields.sorted().joined(separator: ", "))"
                )
            }
            for (field, allowed) in nestedFields {
                let nested: [[String: Any]] =
                    (object[field] as? [[String: Any]]) ?? ((object[field] as? [String: Any]).map { [$0] } ?? [])
                for item in nested {
                    if let bad = Set(item.keys).subtracting(allowed).sorted().first {
                        throw LoadError(
                            description:
                                "case \(index)\(name): unknown field '\(bad)' in \(field); known: \(allowed.sorted().joined(separator: ", "))"
                        )
                    }
                }
            }
            for key in ["name", "kind"] where object[key] as? String == nil {
                throw LoadError(description: "case \(index)\(name): missing field '\(key)' (a string)")
            }
        }
        do {
            return try JSONDecoder().decode([PolicyTestCase].self, from: data)
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw LoadError(description: "field \(path) has the wrong type")
        } catch {
            throw LoadError(description: "\(path) is not a valid test file")
        }
    }

    public static func run(_ testCase: PolicyTestCase) -> PolicyTestResult {
        do {
            return PolicyTestResult(name: testCase.name, failure: try check(testCase))
        } catch {
            return PolicyTestResult(name: testCase.name, failure: "unexpected error: \(describe(error))")
        }
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? DatalogError { return error.description }
        return String(describing: error)
    }

    private static func kind(_ name: String) -> PolicyKind? {
        switch name {
        case "simulate", "execute": return .nonrecursive
        case "materialized-recursive": return .materialized
        default: return PolicyKind(rawValue: name)
        }
    }

    /// Runs the case; returns nil when it passes, else the difference.
    private static func check(_ testCase: PolicyTestCase) throws -> String? {
        guard let targetKind = kind(testCase.kind) else {
            return "unknown kind \(testCase.kind); use one of \(kinds.joined(separator: ", "))"
        }
        let runtime = PolicyRuntime(now: { Int64(Date().timeIntervalSince1970) })
        let target = testCase.policy ?? "test"
        var calls: [PolicyTestCase.Call] = []
        func record(_ deltas: [TableDelta]) {
            for call in ActionCall.calls(in: deltas) {
                calls.append(
                    PolicyTestCase.Call(
                        service: call.service, action: call.action,
                        args: .init(positional: call.arguments.map(JSONScalar.init))))
            }
        }

        try runtime.createPolicy(target, kind: targetKind)
        for other in testCase.otherPolicies ?? [] {
            let otherKind: PolicyKind = other.schema != nil ? .datasource : (other.kind.flatMap(kind) ?? .nonrecursive)
            if runtime.kind(of: other.name) == nil {
                try runtime.createPolicy(other.name, kind: otherKind, schema: other.schema ?? [:])
            }
            if let rules = other.rules, !rules.isEmpty { record(try runtime.insert(rules, into: other.name)) }
            if let facts = other.facts, !facts.isEmpty { record(try runtime.insert(facts, into: other.name)) }
        }

        let rejectsAtUpdate = testCase.updates?.contains { $0.expectPermitted == false } ?? false
        if let expected = testCase.expectedError, !rejectsAtUpdate {
            do {
                if let pre = testCase.preRules, !pre.isEmpty { try runtime.insert(pre, into: target) }
                try runtime.insert(testCase.rules ?? "", into: target)
            } catch let error {
                return matches(error, expected)
            }
            return "expected error \(expected.kind) (\(expected.message)), but the rules were accepted"
        }

        if let pre = testCase.preRules, !pre.isEmpty { record(try runtime.insert(pre, into: target)) }
        if let rules = testCase.rules, !rules.isEmpty { record(try runtime.insert(rules, into: target)) }
        if let facts = testCase.facts, !facts.isEmpty { record(try runtime.insert(facts, into: target)) }

        for update in testCase.updates ?? [] where update.op != "insert" && update.op != "delete" {
            return "unknown update op '\(update.op)'; use insert or delete"
        }
        for update in testCase.updates ?? [] {
            let policy = update.policy ?? target
            if update.expectPermitted == false {
                let before = testCase.query.map { try? runtime.query($0, in: target) } ?? nil
                do {
                    if update.op == "insert" {
                        try runtime.insert(update.text, into: policy)
                    } else {
                        try runtime.delete(update.text, from: policy)
                    }
                    return "expected the update \(update.op) \(update.text) to be rejected, but it was accepted"
                } catch let error {
                    if let expected = testCase.expectedError, let failure = matches(error, expected) { return failure }
                }
                let after = testCase.query.map { try? runtime.query($0, in: target) } ?? nil
                if before != after { return "the rejected update changed the state" }
                continue
            }
            if update.op == "insert" {
                record(try runtime.insert(update.text, into: policy))
            } else {
                record(try runtime.delete(update.text, from: policy))
            }
        }

        if let expectedCalls = testCase.expectedCalls {
            let missing = multisetDifference(expectedCalls, calls)
            let extra = multisetDifference(calls, expectedCalls)
            if missing.isEmpty && extra.isEmpty { return nil }
            return "calls differ: missing \(missing.map(describe)), unexpected \(extra.map(describe))"
        }

        guard let query = testCase.query else { return nil }
        let answers: [String]
        if let simulation = testCase.simulate {
            if runtime.kind(of: simulation.actionPolicy) == nil {
                try runtime.createPolicy(simulation.actionPolicy, kind: .action)
            }
            if !simulation.actionRules.isEmpty {
                try runtime.insert(simulation.actionRules, into: simulation.actionPolicy)
            }
            let before = try runtime.query("\(query)", in: target)
            answers = try runtime.simulate(
                query: query, policy: target, sequence: simulation.sequence, actionPolicy: simulation.actionPolicy,
                delta: simulation.delta)
            let after = try runtime.query(query, in: target)
            if before != after { return "simulate did not roll back: before \(before), after \(after)" }
        } else {
            answers = try runtime.query(query, in: target)
        }
        let expected = try canonical(testCase.expected ?? "")
        let actual = try canonical(answers.joined(separator: "\n"))
        if expected == actual { return nil }
        let missing = expected.subtracting(actual).sorted()
        let extra = actual.subtracting(expected).sorted()
        return "answers differ: missing \(missing), unexpected \(extra)"
    }

    /// Formulas parsed and printed again, so that spacing and order do not matter.
    static func canonical(_ text: String) throws -> Set<String> {
        var result = Set<String>()
        for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            for statement in try Parser.parse(String(line)) { result.insert(statement.description) }
        }
        return result
    }

    private static func matches(_ error: Error, _ expected: PolicyTestCase.ExpectedError) -> String? {
        guard let error = error as? DatalogError else { return "unexpected error \(error)" }
        if error.kind != expected.kind {
            return "expected error kind \(expected.kind), got \(error.kind): \(error.message)"
        }
        if !error.message.contains(expected.message) {
            return "expected a message containing \"\(expected.message)\", got \"\(error.message)\""
        }
        return nil
    }

    private static func describe(_ call: PolicyTestCase.Call) -> String {
        "\(call.service):\(call.action)(\(call.args.positional.map { $0.value.description }.joined(separator: ", ")))"
    }

    private static func multisetDifference(_ a: [PolicyTestCase.Call], _ b: [PolicyTestCase.Call]) -> [PolicyTestCase
        .Call]
    {
        var remaining = b
        var result: [PolicyTestCase.Call] = []
        for call in a {
            if let index = remaining.firstIndex(of: call) { remaining.remove(at: index) } else { result.append(call) }
        }
        return result
    }
}
