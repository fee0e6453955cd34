@testable import Datalog

/// A from-scratch evaluator for the random programs: level by level, every rule applied to
/// everything until nothing changes. Slow and simple on purpose.
enum NaiveEvaluator {
    typealias Tables = [String: Set<[Int]>]

    static func integer(_ value: Value) -> Int {
        if case .int(let n) = value { return Int(n) }
        return -1
    }

    static func evaluate(program: RandomProgram, facts: Set<NaiveFact>) -> Tables {
        var tables: Tables = [:]
        for fact in facts { tables[fact.relation, default: []].insert(fact.values) }
        for level in 0...2 {
            let rules = program.rules.filter { RandomProgram.level[$0.head] == level }
            var changed = true
            while changed {
                changed = false
                for rule in rules {
                    for row in apply(rule, tables) where !(tables[rule.head]?.contains(row) ?? false) {
                        tables[rule.head, default: []].insert(row)
                        changed = true
                    }
                }
            }
        }
        return tables
    }

    private static func apply(_ rule: NaiveRule, _ tables: Tables) -> [[Int]] {
        var solutions: [[String: Int]] = [[:]]
        for literal in rule.body where !literal.negated {
            var next: [[String: Int]] = []
            for binding in solutions {
                for row in tables[literal.relation] ?? [] {
                    if let extended = match(literal, row, binding) { next.append(extended) }
                }
            }
            solutions = next
        }
        solutions = solutions.filter { binding in
            for literal in rule.body where literal.negated {
                if (tables[literal.relation] ?? []).contains(where: { match(literal, $0, binding) != nil }) {
                    return false
                }
            }
            if let filter = rule.filter, binding[filter.variable]! >= filter.bound { return false }
            return true
        }
        guard let aggregate = rule.aggregate else {
            return solutions.map { binding in rule.headVariables.map { binding[$0]! } }
        }
        // One solution per distinct binding of all body variables.
        let distinct = Set(solutions)
        var groups: [[Int]: [Int]] = [:]
        for binding in distinct {
            groups[rule.headVariables.map { binding[$0]! }, default: []].append(binding[aggregate.variable]!)
        }
        return groups.map { key, values in
            let result: Int
            switch aggregate.function {
            case "count": result = values.count
            case "sum": result = values.reduce(0, +)
            case "min": result = values.min()!
            default: result = values.max()!
            }
            return key + [result]
        }
    }

    private static func match(_ literal: NaiveLiteral, _ row: [Int], _ binding: [String: Int]) -> [String: Int]? {
        var result = binding
        for (term, value) in zip(literal.terms, row) {
            switch term {
            case .constant(let constant):
                if constant != value { return nil }
            case .wildcard:
                continue
            case .variable(let name):
                if let bound = result[name], bound != value { return nil }
                result[name] = value
            }
        }
        return result
    }
}
