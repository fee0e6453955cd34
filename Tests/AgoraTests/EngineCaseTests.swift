import Datalog
import Foundation
import Testing

/// Engine faults other tools had, each loaded from its case folder and checked here.
@Suite struct EngineCaseTests {
    private func text(_ path: String) throws -> String {
        try String(contentsOf: TestSupport.sharedFile("cases/" + path), encoding: .utf8)
    }

    private func answers(_ runtime: PolicyRuntime, _ table: String) throws -> [String] {
        try runtime.query("\(table)(x)", in: "test")
    }

    @Test(arguments: ["order-a.dl", "order-b.dl", "order-c.dl"])
    func negativeCycleRejectedInAnyOrder(file: String) throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test", kind: .materialized)
        do {
            try runtime.insert(try text("B01-stratification-cycle-any-order/" + file), into: "test")
            Issue.record("the cycle through negation in \(file) was accepted")
        } catch let error as DatalogError {
            #expect(error.kind == "recursion")
            #expect(error.message.contains("needs_action -> escalated -> exempt_review -> not needs_action"))
        }
        #expect(runtime.rules(of: "test").isEmpty)
    }

    @Test func negativeCycleRejectedRuleByRule() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test", kind: .materialized)
        let rules = try Parser.parse(try text("B01-stratification-cycle-any-order/order-a.dl"))
        try runtime.apply([PolicyChange(policy: "test", statement: rules[0], insert: true)])
        try runtime.apply([PolicyChange(policy: "test", statement: rules[1], insert: true)])
        #expect(throws: DatalogError.self) {
            try runtime.apply([PolicyChange(policy: "test", statement: rules[2], insert: true)])
        }
        #expect(runtime.rules(of: "test").map(\.description) == [rules[0].description, rules[1].description])
        try runtime.insert(try text("B01-stratification-cycle-any-order/facts.dl"), into: "test")
        #expect(try answers(runtime, "needs_action").isEmpty)
    }

    @Test func selfNegationRejected() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test", kind: .materialized)
        #expect(
            throws: DatalogError.negativeCycle(
                cycle: ["flapping", "not flapping"], at: SourceLocation(line: 1, column: 1))
        ) {
            try runtime.insert(try text("B01-stratification-cycle-any-order/self-loop.dl"), into: "test")
        }
    }

    @Test func stratifiableControlAccepted() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test", kind: .materialized)
        try runtime.insert(try text("B01-stratification-cycle-any-order/control.dl"), into: "test")
        try runtime.insert(try text("B01-stratification-cycle-any-order/facts.dl"), into: "test")
        #expect(try answers(runtime, "needs_action") == ["needs_action(\"vm-a\")"])
        #expect(try answers(runtime, "exempt") == ["exempt(\"vm-b\")"])
    }

    @Test func variableOnlyUnderNegationRejected() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test")
        let rules = try Parser.parse(try text("B02-unsafe-var-in-negation/rejected.dl"))
        for (rule, variable) in zip(rules, ["sg", "y"]) {
            do {
                try runtime.apply([PolicyChange(policy: "test", statement: rule, insert: true)])
                Issue.record("accepted \(rule)")
            } catch {
                #expect(error.kind == "unsafe_negation")
                #expect(error.message.contains("(vars \(variable))"))
                #expect(error.message.contains(rule.description))
                #expect(error.message.contains("or be written _"))
            }
        }
        #expect(runtime.rules(of: "test").isEmpty)
    }

    @Test func anonymousVariablesUnderNegation() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test")
        try runtime.insert(try text("B02-unsafe-var-in-negation/accepted.dl"), into: "test")
        try runtime.insert(try text("B02-unsafe-var-in-negation/facts.dl"), into: "test")
        #expect(try answers(runtime, "unprotected") == ["unprotected(\"p2\")"])
        #expect(try answers(runtime, "unprotected2") == ["unprotected2(\"p2\")"])
        #expect(try answers(runtime, "unlinked") == ["unlinked(\"p2\")", "unlinked(\"p3\")"])
    }

    @Test func columnReferenceInsideNegation() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("nova", kind: .datasource, schema: ["servers": ["id", "name", "status", "tenant_id"]])
        try runtime.createPolicy("test")
        try runtime.insert(try text("B03-negated-column-reference/policy.dl"), into: "test")
        for statement in try Parser.parse(try text("B03-negated-column-reference/facts.dl")) {
            var fact = statement
            let policy = fact.head.name.service ?? "test"
            fact.heads[0].atom.name.service = nil
            try runtime.apply([PolicyChange(policy: policy, statement: fact, insert: true)])
        }
        #expect(try answers(runtime, "not_running") == ["not_running(\"vm-b\")", "not_running(\"vm-c\")"])
        #expect(try answers(runtime, "no_server") == ["no_server(\"vm-c\")"])
        #expect(try answers(runtime, "not_running2") == ["not_running2(\"vm-b\")", "not_running2(\"vm-c\")"])

        try runtime.update(
            table: "nova:servers", inserted: [[.string("vm-b"), .string("web-2"), .string("ACTIVE"), .string("t1")]],
            deleted: [[.string("vm-b"), .string("web-2"), .string("PAUSED"), .string("t1")]])
        #expect(try answers(runtime, "not_running") == ["not_running(\"vm-c\")"])
        #expect(try answers(runtime, "not_running2") == ["not_running2(\"vm-c\")"])
    }

    @Test func replacingARuleRetractsItsDerivations() throws {
        let folder = "B04-rule-replace-retracts-derivations/"
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test")
        let rules = try Parser.parse(try text(folder + "step1-rules.dl"))
        let replacement = try Parser.parse(try text(folder + "step2-replacement-rule.dl"))[0]
        var facts = try text(folder + "step1-facts.dl")
        try runtime.insert(try text(folder + "step1-rules.dl"), into: "test")
        try runtime.insert(facts, into: "test")
        let a = "(\"vm-a\")"
        let b = "(\"vm-b\")"
        #expect(try answers(runtime, "suspect") == ["suspect" + a, "suspect" + b])
        #expect(try answers(runtime, "quarantine") == ["quarantine" + a, "quarantine" + b])

        // The replacement and the new facts in one batch: vm-b leaves, vm-a never flickers.
        let newFacts = try Parser.parse(try text(folder + "step2-facts.dl"))
        let deltas = try runtime.apply(
            [
                PolicyChange(policy: "test", statement: rules[0], insert: false),
                PolicyChange(policy: "test", statement: replacement, insert: true),
            ] + newFacts.map { PolicyChange(policy: "test", statement: $0, insert: true) })
        let quarantine = deltas.first { $0.table == "test:quarantine" }
        #expect(quarantine?.deleted == [[.string("vm-b")]])
        #expect(quarantine?.inserted == [])
        facts += try text(folder + "step2-facts.dl")
        #expect(try answers(runtime, "suspect") == ["suspect" + a])
        #expect(try answers(runtime, "quarantine") == ["quarantine" + a])
        try expectSameAsFresh(runtime, rules: [replacement, rules[1]], facts: facts)

        try runtime.apply([PolicyChange(policy: "test", statement: replacement, insert: false)])
        #expect(try answers(runtime, "suspect").isEmpty)
        #expect(try answers(runtime, "quarantine").isEmpty)

        try runtime.apply([PolicyChange(policy: "test", statement: rules[0], insert: true)])
        #expect(try answers(runtime, "suspect") == ["suspect" + a, "suspect" + b])
        #expect(try answers(runtime, "quarantine") == ["quarantine" + a, "quarantine" + b])
        try expectSameAsFresh(runtime, rules: [rules[1], rules[0]], facts: facts)
    }

    private func expectSameAsFresh(_ runtime: PolicyRuntime, rules: [Rule], facts: String) throws {
        let fresh = PolicyRuntime()
        try fresh.createPolicy("test")
        try fresh.apply(rules.map { PolicyChange(policy: "test", statement: $0, insert: true) })
        try fresh.insert(facts, into: "test")
        for table in ["suspect", "quarantine"] {
            #expect(try answers(runtime, table) == answers(fresh, table))
        }
    }

    @Test func factWithTwoSupportsSurvivesLosingOne() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test")
        try runtime.insert(try text("B05-multi-source-fact-retraction/rules.dl"), into: "test")
        var steps: [[PolicyChange]] = []
        for line in try text("B05-multi-source-fact-retraction/steps.txt").split(separator: "\n") {
            if line.hasPrefix("# step") {
                steps.append([])
                continue
            }
            guard let space = line.firstIndex(of: " ") else { continue }
            let statement = try Parser.parse(String(line[line.index(after: space)...]))[0]
            steps[steps.count - 1].append(
                PolicyChange(policy: "test", statement: statement, insert: line.hasPrefix("insert")))
        }
        let ip66 = "blocklisted(\"203.0.113.66\")"
        let ip99 = "blocklisted(\"203.0.113.99\")"
        let expected: [(blocklisted: [String], suspect: [String], inserted: [Row], deleted: [Row])] = [
            ([ip66], ["suspect(\"vm-a\")"], [[.string("vm-a")]], []),
            ([ip66], ["suspect(\"vm-a\")"], [], []),
            ([ip66], ["suspect(\"vm-a\")"], [], []),
            ([ip66, ip99], ["suspect(\"vm-a\")", "suspect(\"vm-b\")"], [[.string("vm-b")]], []),
            ([ip66, ip99], ["suspect(\"vm-a\")", "suspect(\"vm-b\")"], [], []),
            ([ip99], ["suspect(\"vm-b\")"], [], [[.string("vm-a")]]),
        ]
        #expect(steps.count == expected.count)
        for (step, want) in zip(steps, expected) {
            let deltas = try runtime.apply(step)
            let suspect = deltas.first { $0.table == "test:suspect" }
            #expect(try answers(runtime, "blocklisted") == want.blocklisted)
            #expect(try answers(runtime, "suspect") == want.suspect)
            #expect((suspect?.inserted ?? []) == want.inserted)
            #expect((suspect?.deleted ?? []) == want.deleted)
        }
    }
}
