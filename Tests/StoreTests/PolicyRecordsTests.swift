import Foundation
import Testing

@testable import Store

@Suite struct PolicyRecordsTests {
    private let admin = AuditActor(user: "alice", project: "ops")

    @Test(arguments: Backend.allCases) func policyRoundTrip(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let clock = SteppingClock()
        let policies = PolicyRecords(database: database, clock: clock.function)

        let (created, rules) = try policies.createPolicy(
            NewPolicy(name: "classification", abbreviation: "class", description: "VMs at risk"),
            rules: [NewRule(original: "p(x) :- q(x)", name: "first"), NewRule(original: "q(1)")], audit: admin)
        #expect(rules.map(\.position) == [1, 2])

        let byName = try #require(try policies.policy("classification"))
        #expect(byName == created)
        #expect(try policies.policy(created.id) == created)
        #expect(byName.mode == .dryRun)
        #expect(byName.kind == "nonrecursive")
        #expect(byName.ownerID == "user")
        #expect(try policies.listPolicies() == [created])
        #expect(try policies.policy("missing") == nil)

        let entries = try AuditRecords(database: database).list(matching: AuditFilter(objectID: created.id))
        #expect(entries.map(\.action) == ["create_policy"])
        #expect(entries.first?.actor == admin)
    }

    @Test(arguments: Backend.allCases) func rulesKeepTheirOrder(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let policies = PolicyRecords(database: database, clock: SteppingClock().function)
        let (policy, _) = try policies.createPolicy(NewPolicy(name: "alpha", abbreviation: "alpha"))

        var added: [RuleRecord] = []
        for index in 0..<5 {
            added.append(
                try policies.addRule(
                    NewRule(original: "r\(index)(x) :- s(x)", comment: index == 0 ? "the first" : nil),
                    toPolicy: "alpha", audit: admin))
        }
        #expect(try policies.rules(ofPolicy: "alpha") == added)
        #expect(try policies.rules(ofPolicy: policy.id).map(\.original).first == "r0(x) :- s(x)")
        #expect(try policies.rule(added[0].id, inPolicy: "alpha")?.comment == "the first")
        #expect(try policies.rule(added[0].id, inPolicy: "other") == nil)

        #expect(try policies.deleteRule(added[1].id, inPolicy: "alpha", audit: admin) == added[1])
        #expect(try policies.deleteRule(added[1].id, inPolicy: "alpha") == nil)
        let next = try policies.addRule(NewRule(original: "last(1)"), toPolicy: "alpha")
        #expect(next.position == 6)
        #expect(try policies.rules(ofPolicy: "alpha").map(\.position) == [1, 3, 4, 5, 6])
    }

    @Test(arguments: Backend.allCases) func deletingAPolicyDeletesItsRules(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let policies = PolicyRecords(database: database)
        let (policy, rules) = try policies.createPolicy(
            NewPolicy(name: "gone", abbreviation: "gone"), rules: [NewRule(original: "a(1)")])

        #expect(try policies.deletePolicy("gone", audit: admin) == policy)
        #expect(try policies.deletePolicy("gone") == nil)
        #expect(throws: StoreError.notFound(kind: "policy", key: "gone")) { try policies.rules(ofPolicy: "gone") }
        let left = try database.read { try $0.first("SELECT COUNT(*) AS n FROM policy_rules")?["n"] }
        #expect(left == .integer(0))
        #expect(try policies.rule(rules[0].id, inPolicy: policy.id) == nil)
    }

    @Test(arguments: Backend.allCases) func duplicateNameKeepsNothing(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let policies = PolicyRecords(database: database)
        let audit = AuditRecords(database: database)
        _ = try policies.createPolicy(NewPolicy(name: "taken", abbreviation: "taken"), audit: admin)

        do {
            _ = try policies.createPolicy(
                NewPolicy(name: "taken", abbreviation: "other"), rules: [NewRule(original: "a(1)")], audit: admin)
            Issue.record("a second policy named taken was stored")
        } catch StoreError.constraint {
        }
        do {
            let rule = NewRule(id: "same-id", original: "b(1)")
            _ = try policies.createPolicy(NewPolicy(name: "fresh", abbreviation: "fresh"), rules: [rule, rule])
            Issue.record("two rules with one id were stored")
        } catch StoreError.constraint {
        }

        #expect(try policies.listPolicies().map(\.name) == ["taken"])
        #expect(try policies.policy("fresh") == nil)
        #expect(try policies.rules(ofPolicy: "taken").isEmpty)
        #expect(try audit.list().count == 1)
    }

    @Test(arguments: Backend.allCases) func modeChangesAreAudited(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let policies = PolicyRecords(database: database)
        let (policy, _) = try policies.createPolicy(NewPolicy(name: "act", abbreviation: "act"))

        let changed = try policies.setMode(.enforce, policy: "act", audit: admin)
        #expect(changed.mode == .enforce)
        #expect(try policies.policy(policy.id)?.mode == .enforce)
        #expect(throws: StoreError.notFound(kind: "policy", key: "nope")) {
            try policies.setMode(.monitor, policy: "nope")
        }

        let entry = try #require(try AuditRecords(database: database).list().first)
        #expect(entry.action == "set_mode")
        #expect(entry.detail == #"{"from":"dry-run","to":"enforce"}"#)
    }

    @Test(arguments: Backend.allCases) func addingToAMissingPolicyFails(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let policies = PolicyRecords(database: database)
        #expect(throws: StoreError.notFound(kind: "policy", key: "ghost")) {
            try policies.addRule(NewRule(original: "a(1)"), toPolicy: "ghost", audit: admin)
        }
        #expect(try AuditRecords(database: database).list().isEmpty)
    }
}
