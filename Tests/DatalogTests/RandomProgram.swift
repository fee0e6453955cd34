import Foundation

@testable import Datalog

/// A fact of the random programs: a base table and its integer columns.
struct NaiveFact: Hashable {
    var relation: String
    var values: [Int]

    var text: String { "\(relation)(\(values.map(String.init).joined(separator: ", ")))" }
}

/// A literal of a random rule, in a form both the naive evaluator and the text share.
struct NaiveLiteral {
    enum Term {
        case variable(String)
        case constant(Int)
        case wildcard
    }

    var relation: String
    var negated: Bool
    var terms: [Term]

    var text: String {
        let arguments = terms.map { term -> String in
            switch term {
            case .variable(let name): return name
            case .constant(let value): return String(value)
            case .wildcard: return "_"
            }
        }
        return (negated ? "not " : "") + "\(relation)(\(arguments.joined(separator: ", ")))"
    }
}

struct NaiveRule {
    var head: String
    var headVariables: [String]
    /// `count`, `sum`, `min` or `max` over the variable, as the last head column.
    var aggregate: (function: String, variable: String)?
    var body: [NaiveLiteral]
    var filter: (variable: String, bound: Int)?

    var text: String {
        var arguments = headVariables
        if let aggregate { arguments.append("\(aggregate.function)(\(aggregate.variable))") }
        var literals = body.map(\.text)
        if let filter { literals.append("builtin:lt(\(filter.variable), \(filter.bound))") }
        return "\(head)(\(arguments.joined(separator: ", "))) :- \(literals.joined(separator: ", "))"
    }
}

/// Generates stratified programs: derived tables p0..p5 sit on levels; a rule may read tables
/// of its own level positively (recursion) and lower levels in any way (negation, aggregates).
struct RandomProgram {
    static let base = ["e", "f", "g"]
    static let baseArity = ["e": 2, "f": 2, "g": 1]
    static let derived = ["p0", "p1", "p2", "p3", "p4", "p5"]
    static let level = ["p0": 0, "p1": 0, "p2": 1, "p3": 1, "p4": 2, "p5": 2]
    static let arity = ["p0": 2, "p1": 1, "p2": 2, "p3": 1, "p4": 2, "p5": 1]
    /// Tables computed by an aggregate rule alone.
    static let aggregated: Set<String> = ["p5"]
    static let domain = 5

    var rules: [NaiveRule]
    var removed: [NaiveRule] = []

    static func randomFact(_ random: inout SplitMix64) -> NaiveFact {
        // One fact in six goes into a derived table, beside what its rules derive.
        let derivedWithFacts = derived.filter { !aggregated.contains($0) }
        let relation =
            random.next(6) == 0
            ? derivedWithFacts[Int(random.next(UInt64(derivedWithFacts.count)))]
            : base[Int(random.next(UInt64(base.count)))]
        let values = (0..<arityOf(relation)).map { _ in Int(random.next(UInt64(domain))) }
        return NaiveFact(relation: relation, values: values)
    }

    static func generate(_ random: inout SplitMix64) -> RandomProgram {
        var rules: [NaiveRule] = []
        for head in derived {
            if aggregated.contains(head) {
                rules.append(aggregateRule(head, &random))
                continue
            }
            for _ in 0..<(1 + Int(random.next(2))) {
                // A policy contains a set of rules, so the generator never repeats one.
                let candidate = rule(head, &random)
                if !rules.contains(where: { $0.text == candidate.text }) { rules.append(candidate) }
            }
        }
        return RandomProgram(rules: rules)
    }

    private static func readable(from head: String, negated: Bool) -> [String] {
        let own = level[head]!
        let lower = derived.filter { level[$0]! < own }
        if negated { return base + lower }
        return base + lower + derived.filter { level[$0]! == own && !aggregated.contains($0) }
    }

    private static func arityOf(_ relation: String) -> Int { baseArity[relation] ?? arity[relation]! }

    private static func positiveLiterals(_ head: String, _ random: inout SplitMix64, count: Int) -> [NaiveLiteral] {
        let variables = ["x", "y", "z", "w"]
        var literals: [NaiveLiteral] = []
        for _ in 0..<count {
            let candidates = readable(from: head, negated: false)
            let relation = candidates[Int(random.next(UInt64(candidates.count)))]
            var terms: [NaiveLiteral.Term] = []
            for _ in 0..<arityOf(relation) {
                if random.next(8) == 0 {
                    terms.append(.constant(Int(random.next(UInt64(domain)))))
                } else {
                    terms.append(.variable(variables[Int(random.next(3))]))
                }
            }
            literals.append(NaiveLiteral(relation: relation, negated: false, terms: terms))
        }
        return literals
    }

    private static func boundVariables(_ literals: [NaiveLiteral]) -> [String] {
        var seen: [String] = []
        for literal in literals {
            for case .variable(let name) in literal.terms where !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    private static func rule(_ head: String, _ random: inout SplitMix64) -> NaiveRule {
        while true {
            var body = positiveLiterals(head, &random, count: 1 + Int(random.next(2)))
            let bound = boundVariables(body)
            guard bound.count >= arity[head]! else { continue }
            if random.next(3) == 0 {
                let candidates = readable(from: head, negated: true)
                let relation = candidates[Int(random.next(UInt64(candidates.count)))]
                let terms = (0..<arityOf(relation)).map { _ -> NaiveLiteral.Term in
                    random.next(4) == 0 ? .wildcard : .variable(bound[Int(random.next(UInt64(bound.count)))])
                }
                body.append(NaiveLiteral(relation: relation, negated: true, terms: terms))
            }
            var shuffled = bound
            for i in shuffled.indices.reversed() { shuffled.swapAt(i, Int(random.next(UInt64(i + 1)))) }
            let filter = random.next(5) == 0 ? (shuffled[0], 1 + Int(random.next(UInt64(domain)))) : nil
            return NaiveRule(
                head: head, headVariables: Array(shuffled.prefix(arity[head]!)), aggregate: nil, body: body,
                filter: filter)
        }
    }

    private static func aggregateRule(_ head: String, _ random: inout SplitMix64) -> NaiveRule {
        let functions = ["count", "sum", "min", "max"]
        while true {
            let body = positiveLiterals("p4", &random, count: 1 + Int(random.next(2))).map { literal -> NaiveLiteral in
                // Aggregates read strictly lower levels.
                var lowered = literal
                if level[literal.relation] == 2 { lowered.relation = "e" }
                if lowered.terms.count != arityOf(lowered.relation) {
                    lowered.terms = (0..<arityOf(lowered.relation)).map { _ in
                        .variable(["x", "y"][Int(random.next(2))])
                    }
                }
                return lowered
            }
            let bound = boundVariables(body)
            guard bound.count >= 2 else { continue }
            let function = functions[Int(random.next(UInt64(functions.count)))]
            return NaiveRule(
                head: head, headVariables: [bound[0]], aggregate: (function, bound[1]), body: body, filter: nil)
        }
    }
}
