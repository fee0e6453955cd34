import Foundation
import Testing

@testable import Datalog

/// Random stratified programs with negation, recursion and aggregates, under random updates:
/// after every step the engine's tables and the deltas it reported must equal what a naive
/// evaluator computes from scratch.
@Suite struct DifferentialTests {
    @Test func randomProgramsMatchNaiveEvaluator() throws {
        let programs = Int(Environment.value("AGORA_DIFFERENTIAL_PROGRAMS") ?? "") ?? 500
        for seed in 0..<programs {
            try checkProgram(seed: UInt64(seed))
        }
    }

    private func checkProgram(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var program = RandomProgram.generate(&random)
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test", kind: .materialized)
        try runtime.insert(program.rules.map(\.text).joined(separator: "\n"), into: "test")
        var facts = Set<NaiveFact>()
        var expected = NaiveEvaluator.evaluate(program: program, facts: facts)

        for step in 0..<10 {
            let ruledBefore = Set(program.rules.map(\.head))
            var changes: [PolicyChange] = []
            var ruleChange = false
            if step > 0 && random.next(6) == 0 && program.rules.count > 1 {
                // Remove one rule, or put back one removed earlier.
                let index = Int(random.next(UInt64(program.rules.count)))
                let rule = program.rules.remove(at: index)
                changes.append(PolicyChange(policy: "test", statement: try Parser.parse(rule.text)[0], insert: false))
                program.removed.append(rule)
                ruleChange = true
            } else if !program.removed.isEmpty && random.next(4) == 0 {
                let rule = program.removed.removeLast()
                program.rules.append(rule)
                changes.append(PolicyChange(policy: "test", statement: try Parser.parse(rule.text)[0], insert: true))
                ruleChange = true
            }
            if !ruleChange {
                for _ in 0..<(1 + Int(random.next(4))) {
                    let fact = RandomProgram.randomFact(&random)
                    let insert = random.next(3) != 0
                    if insert { facts.insert(fact) } else { facts.remove(fact) }
                    changes.append(
                        PolicyChange(policy: "test", statement: try Parser.parse(fact.text)[0], insert: insert))
                }
            }
            let deltas = try runtime.apply(changes)
            let next = NaiveEvaluator.evaluate(program: program, facts: facts)
            // Updates report the tables that have rules (or just lost their last one).
            let reported = ruledBefore.union(program.rules.map(\.head))

            for relation in RandomProgram.derived {
                let actual = Set(runtime.rows(of: "test:\(relation)").map { $0.map(NaiveEvaluator.integer) })
                let want = next[relation] ?? []
                #expect(
                    actual == want,
                    "seed \(seed) step \(step) table \(relation)\n\(program.rules.map(\.text).joined(separator: "\n"))")
                guard reported.contains(relation) else { continue }
                let delta = deltas.first { $0.table == "test:\(relation)" }
                let inserted = Set((delta?.inserted ?? []).map { $0.map(NaiveEvaluator.integer) })
                let deleted = Set((delta?.deleted ?? []).map { $0.map(NaiveEvaluator.integer) })
                let old = expected[relation] ?? []
                #expect(inserted == want.subtracting(old), "seed \(seed) step \(step) inserted rows of \(relation)")
                #expect(deleted == old.subtracting(want), "seed \(seed) step \(step) deleted rows of \(relation)")
            }
            expected = next
        }
    }
}

/// Deterministic pseudo-random numbers, so a failing seed can be replayed.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound.
    mutating func next(_ bound: UInt64) -> UInt64 { next() % bound }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let pointer = getenv(name) else { return nil }
        return String(cString: pointer)
    }
}
