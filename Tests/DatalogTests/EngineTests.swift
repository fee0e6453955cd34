import Testing

@testable import Datalog

@Suite struct EngineTests {
    private func runtime(_ kind: PolicyKind = .materialized) throws -> PolicyRuntime {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test", kind: kind)
        return runtime
    }

    @Test func aggregatesFollowInsertsAndDeletes() throws {
        let runtime = try runtime()
        try runtime.insert(
            """
            n(g, count(v)) :- q(g, v)
            s(g, sum(v)) :- q(g, v)
            lo(g, min(v)) :- q(g, v)
            hi(g, max(v)) :- q(g, v)
            """, into: "test")
        try runtime.insert("q(1, 5) q(1, 7) q(2, 3)", into: "test")
        #expect(try runtime.query("n(g, c)", in: "test") == ["n(1, 2)", "n(2, 1)"])
        #expect(try runtime.query("s(g, c)", in: "test") == ["s(1, 12)", "s(2, 3)"])
        #expect(try runtime.query("lo(g, c)", in: "test") == ["lo(1, 5)", "lo(2, 3)"])
        #expect(try runtime.query("hi(g, c)", in: "test") == ["hi(1, 7)", "hi(2, 3)"])

        let deltas = try runtime.delete("q(1, 5) q(2, 3)", from: "test")
        #expect(try runtime.query("n(g, c)", in: "test") == ["n(1, 1)"])
        #expect(try runtime.query("lo(g, c)", in: "test") == ["lo(1, 7)"])
        let counts = deltas.first { $0.table == "test:n" }
        #expect(counts?.inserted == [[.int(1), .int(1)]])
        #expect(Set(counts?.deleted ?? []) == [[.int(1), .int(2)], [.int(2), .int(1)]])
    }

    @Test func aggregateTableTakesNoOtherRule() throws {
        let runtime = try runtime()
        try runtime.insert("n(g, count(v)) :- q(g, v)", into: "test")
        #expect(throws: DatalogError.self) { try runtime.insert("n(g, 0) :- r(g)", into: "test") }
        #expect(runtime.rules(of: "test").count == 1)
    }

    @Test func aggregateOnItsOwnCycleIsRejected() throws {
        let runtime = try runtime()
        #expect {
            try runtime.insert("n(g, count(v)) :- m(g, v)  m(g, v) :- n(g, v)", into: "test")
        } throws: { error in
            guard let error = error as? DatalogError else { return false }
            return error.kind == "recursion" && error.message.contains("m -> n -> aggregate over m")
                && error.location == SourceLocation(line: 1, column: 1)
        }
    }

    @Test func closureOverCyclicDataTerminates() throws {
        let runtime = try runtime()
        try runtime.insert("path(x, y) :- link(x, y)  path(x, z) :- path(x, y), link(y, z)", into: "test")
        try runtime.insert("link(1, 2) link(2, 3) link(3, 1)", into: "test")
        #expect(runtime.rowCount(of: "test:path") == 9)
        let deltas = try runtime.delete("link(3, 1)", from: "test")
        #expect(try runtime.query("path(x, y)", in: "test") == ["path(1, 2)", "path(1, 3)", "path(2, 3)"])
        #expect(deltas.first { $0.table == "test:path" }?.deleted.count == 6)
    }

    @Test func recursiveRowWithTwoSupportsSurvives() throws {
        let runtime = try runtime()
        try runtime.insert("path(x, y) :- link(x, y)  path(x, z) :- path(x, y), link(y, z)", into: "test")
        try runtime.insert("link(1, 2) link(2, 3) link(1, 3)", into: "test")
        let deltas = try runtime.delete("link(1, 3)", from: "test")
        #expect(try runtime.query("path(1, 3)", in: "test") == ["path(1, 3)"])
        #expect(deltas.first { $0.table == "test:path" } == nil)
    }

    @Test func explainGivesWellFoundedProof() throws {
        let runtime = try runtime()
        try runtime.insert("path(x, y) :- link(x, y)  path(x, z) :- path(x, y), link(y, z)", into: "test")
        try runtime.insert("link(1, 2) link(2, 1) link(2, 3)", into: "test")
        let proofs = try runtime.explain("path(1, 3)", in: "test")
        #expect(proofs.count == 1)
        let proof = try #require(proofs.first?.proof)
        #expect(proof.values == [.int(1), .int(3)])
        #expect(proof.basis == .rule("path(x, z) :- path(x, y), link(y, z)"))
        #expect(proof.children.map(\.values) == [[.int(1), .int(2)], [.int(2), .int(3)]])
        #expect(proof.children[0].children.map(\.basis) == [.fact])
    }

    @Test func networkIndexAnswersIpInNetwork() throws {
        let runtime = try runtime(.nonrecursive)
        try runtime.insert("hit(ip, net) :- packet(ip), net(net), builtin:ip_in_network(ip, net)", into: "test")
        try runtime.insert(
            """
            net("203.0.113.0/24") net("203.0.113.66/32") net("2001:db8:ffff::/48") net("10.0.0.0/8") net("bogus")
            packet("203.0.113.66") packet("198.51.100.1") packet("2001:db8:ffff:1::5") packet("::ffff:10.1.2.3")
            """, into: "test")
        #expect(
            try runtime.query("hit(ip, net)", in: "test") == [
                "hit(\"2001:db8:ffff:1::5\", \"2001:db8:ffff::/48\")",
                "hit(\"203.0.113.66\", \"203.0.113.0/24\")",
                "hit(\"203.0.113.66\", \"203.0.113.66/32\")",
                "hit(\"::ffff:10.1.2.3\", \"10.0.0.0/8\")",
            ])
        try runtime.delete("net(\"203.0.113.0/24\")", from: "test")
        try runtime.insert("packet(\"203.0.113.7\")", into: "test")
        #expect(try runtime.query("hit(\"203.0.113.7\", net)", in: "test").isEmpty)
    }

    @Test func executeRowsFireOncePerAppearance() throws {
        let runtime = try runtime(.nonrecursive)
        try runtime.insert("execute[nova:servers.pause(vm)] :- flagged(vm)", into: "test")
        var calls = ActionCall.calls(in: try runtime.insert("flagged(\"vm-1\")", into: "test"))
        #expect(
            calls == [
                ActionCall(policy: "test", service: "nova", action: "servers.pause", arguments: [.string("vm-1")])
            ])
        calls = ActionCall.calls(in: try runtime.insert("flagged(\"vm-1\")", into: "test"))
        #expect(calls.isEmpty)
        calls = ActionCall.calls(in: try runtime.delete("flagged(\"vm-1\")", from: "test"))
        #expect(calls.isEmpty)
    }

    @Test func failedBatchChangesNothing() throws {
        let runtime = try runtime(.nonrecursive)
        try runtime.insert("p(x) :- q(x, y)  q(1, 2)", into: "test")
        #expect(throws: DatalogError.self) {
            try runtime.insert("q(3, 4)  r(x) :- s(x)  q(5)", into: "test")
        }
        #expect(try runtime.query("q(x, y)", in: "test") == ["q(1, 2)"])
        #expect(runtime.rules(of: "test").count == 1)
        #expect(runtime.rowCount(of: "test:s") == 0)
    }

    @Test func crossPolicyChangesPropagate() throws {
        let runtime = try runtime(.materialized)
        try runtime.createPolicy("nova", kind: .datasource, schema: ["servers": ["id", "status"]])
        try runtime.insert("active(vm) :- nova:servers(id=vm, status=\"ACTIVE\")", into: "test")
        try runtime.update(table: "nova:servers", inserted: [[.string("a"), .string("ACTIVE")]], deleted: [])
        #expect(try runtime.query("active(x)", in: "test") == ["active(\"a\")"])
        try runtime.update(table: "nova:servers", inserted: [], deleted: [[.string("a"), .string("ACTIVE")]])
        #expect(try runtime.query("active(x)", in: "test").isEmpty)
        #expect(throws: DatalogError.self) {
            try runtime.update(table: "nova:servers", inserted: [[.string("b")]], deleted: [])
        }
    }

    @Test func retractedFactOnCycleIsRederived() throws {
        let runtime = try runtime()
        try runtime.insert("p(x) :- p(y), e(y, x)", into: "test")
        try runtime.insert("p(1) e(1, 2) e(2, 1)", into: "test")
        let deltas = try runtime.delete("p(1)", from: "test")
        #expect(try runtime.query("p(x)", in: "test").isEmpty)
        #expect(Set(deltas.first { $0.table == "test:p" }?.deleted ?? []) == [[.int(1)], [.int(2)]])
    }

    @Test func newTableTakesOneWidthPerRule() throws {
        let runtime = try runtime(.nonrecursive)
        #expect {
            try runtime.insert("p(x, y) :- q(x), q(x, y)", into: "test")
        } throws: { error in
            (error as? DatalogError)?.kind == "arity"
        }
        #expect(runtime.rules(of: "test").isEmpty)
    }

    @Test func explainStopsDeepChainsWithTruncatedNode() throws {
        let runtime = try runtime()
        try runtime.insert("reach(x) :- start(x)  reach(x) :- reach(y), edge(y, x)  start(0)", into: "test")
        let edges = (0..<1500).map { [Value.int(Int64($0)), .int(Int64($0 + 1))] }
        try runtime.update(table: "test:edge", inserted: edges, deleted: [])
        let proof = try #require(try runtime.explain("reach(1500)", in: "test").first?.proof)
        var node = proof
        var depth = 0
        while let child = node.children.first, child.table == "test:reach" {
            node = child
            depth += 1
        }
        #expect(depth == ProofBuilder.maximumDepth)
        #expect(node.basis == .truncated)
    }

    @Test func integerAndFloatStayDistinct() throws {
        let runtime = try runtime(.nonrecursive)
        try runtime.insert("r(x) :- p(x), q(x)  s(x) :- p(x), q(y), builtin:equal(x, y)  q(1)  p(1.0)", into: "test")
        #expect(try runtime.query("r(x)", in: "test").isEmpty)
        #expect(try runtime.query("s(x)", in: "test") == ["s(1.0)"])
    }

    @Test func nanRowsCanBeDeleted() throws {
        let runtime = try runtime(.nonrecursive)
        try runtime.update(table: "test:f", inserted: [[.float(.nan)], [.float(.nan)]], deleted: [])
        #expect(runtime.rowCount(of: "test:f") == 1)
        try runtime.update(table: "test:f", inserted: [], deleted: [[.float(.nan)]])
        #expect(runtime.rowCount(of: "test:f") == 0)
    }

    @Test func updateTablesOnlyInActionPolicies() throws {
        let runtime = try runtime(.nonrecursive)
        #expect {
            try runtime.insert("p+(1)", into: "test")
        } throws: { error in
            (error as? DatalogError)?.kind == "update_table"
        }
        #expect(throws: DatalogError.self) {
            try runtime.update(table: "test:execute[nova:pause]", inserted: [[.string("vm")]], deleted: [])
        }
    }

    @Test func droppedTablesLeaveNoWidth() throws {
        let runtime = try runtime(.nonrecursive)
        try runtime.insert("p(1)", into: "test")
        try runtime.deletePolicy("test")
        try runtime.createPolicy("test")
        try runtime.insert("p(1, 2)", into: "test")
        #expect(try runtime.query("p(x, y)", in: "test") == ["p(1, 2)"])
    }

    @Test func simulateLeavesNoTrace() throws {
        let runtime = try runtime(.nonrecursive)
        try runtime.createPolicy("acts", kind: .action)
        let answers = try runtime.simulate(
            query: "newt(x)", policy: "test", sequence: "newt+(1)", actionPolicy: "acts", delta: false)
        #expect(answers == ["newt(1)"])
        try runtime.insert("newt(1, 2)", into: "test")
        #expect(try runtime.query("newt(x, y)", in: "test") == ["newt(1, 2)"])
        #expect(!runtime.policyNames.contains { $0.hasPrefix("_") })
    }

    @Test func compactionKeepsTablesAndIndexes() throws {
        let rules = """
            pair(x, y) :- e(x, y), e(y, x)
            hit(ip, net) :- packet(ip), net(net), builtin:ip_in_network(ip, net)
            path(x, y) :- e(x, y)
            path(x, z) :- path(x, y), e(y, z)
            """
        let runtime = try runtime()
        try runtime.insert(rules, into: "test")
        // Chains of ten nodes, so that the closure stays small.
        var edges: [Row] = []
        for node in 0..<3000 where (node + 1) % 10 != 0 {
            edges.append([.int(Int64(node)), .int(Int64(node + 1))])
        }
        try runtime.update(table: "test:e", inserted: edges, deleted: [])
        try runtime.update(table: "test:net", inserted: [[.string("203.0.113.0/24")]], deleted: [])
        // Most rows die, so the next update compacts the tables first.
        let kept = Array(edges.suffix(9))
        try runtime.update(table: "test:e", inserted: [], deleted: Array(edges.dropLast(9)))
        let added: [Row] = [[.int(2999), .int(2990)], [.int(5), .int(6)], [.int(6), .int(5)]]
        let deltas = try runtime.update(table: "test:e", inserted: added, deleted: [])
        try runtime.update(table: "test:packet", inserted: [[.string("203.0.113.9")]], deleted: [])
        #expect(deltas.first { $0.table == "test:pair" }?.inserted.count == 2)

        let fresh = try self.runtime()
        try fresh.insert(rules, into: "test")
        try fresh.update(table: "test:e", inserted: kept + added, deleted: [])
        try fresh.update(table: "test:net", inserted: [[.string("203.0.113.0/24")]], deleted: [])
        try fresh.update(table: "test:packet", inserted: [[.string("203.0.113.9")]], deleted: [])
        for query in ["e(x, y)", "pair(x, y)", "path(x, y)", "hit(x, y)"] {
            #expect(try runtime.query(query, in: "test") == fresh.query(query, in: "test"))
        }
        #expect(runtime.rowCount(of: "test:path") == 10 * 10 + 4)
    }
}
