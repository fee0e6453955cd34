import Foundation
import Testing

/// `agora eval`, `agora schema` and `agora test` as a user runs them.
@Suite struct EvalCommandTests {
    private func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func exampleFlagsTwoVMs() throws {
        let root = TestSupport.repositoryRoot.appendingPathComponent("examples")
        let result = try TestSupport.runAgora([
            "eval", "--rules", root.appendingPathComponent("compromised_vm.dl").path, "--facts",
            root.appendingPathComponent("compromised_vm_facts.dl").path, "flagged(vm)",
        ])
        #expect(result.status == 0)
        #expect(result.standardOutput == "flagged(\"vm-ci\")\nflagged(\"vm-web\")\n")
    }

    @Test func repeatedFactsFilesAllLoad() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rules = try write("both(x) :- a(x), b(x)", "rules.dl", in: directory)
        let first = try write("a(1) a(2)", "a.dl", in: directory)
        let second = try write("b(2) b(3)", "b.dl", in: directory)
        let result = try TestSupport.runAgora([
            "eval", "--rules", rules, "--facts", first, "--facts", second, "both(x)",
        ])
        #expect(result.standardOutput == "both(2)\n")
    }

    @Test func columnReferencesUseSchemas() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = try write(
            #"{"nova": {"servers": ["id", "name", "status", "tenant_id"]}}"#, "schema.json", in: directory)
        let rules = try write(
            """
            active(vm) :- nova:servers(id=vm, status="ACTIVE")
            seen(src) :- ids:ip_packet(src_ip=src)
            """, "rules.dl", in: directory)
        let facts = try write(
            """
            nova:servers("vm-1", "web", "ACTIVE", "t1")
            nova:servers("vm-2", "db", "SHUTOFF", "t1")
            ids:ip_packet("192.0.2.1", "203.0.113.9")
            """, "facts.dl", in: directory)
        let active = try TestSupport.runAgora([
            "eval", "--rules", rules, "--facts", facts, "--schema", schema, "active(x)",
        ])
        #expect(active.status == 0, "\(active.standardError)")
        #expect(active.standardOutput == "active(\"vm-1\")\n")
        let seen = try TestSupport.runAgora(["eval", "--rules", rules, "--facts", facts, "--schema", schema, "seen(x)"])
        #expect(seen.standardOutput == "seen(\"192.0.2.1\")\n")
    }

    @Test func explainCoversAggregates() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rules = try write("n(g, count(v)) :- q(g, v)", "rules.dl", in: directory)
        let facts = try write("q(1, 5) q(1, 7)", "facts.dl", in: directory)
        let result = try TestSupport.runAgora(["eval", "--rules", rules, "--facts", facts, "--explain", "n(g, c)"])
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("n(1, 2)") == true)
        #expect(lines.filter { $0.contains("q(1, ") }.count == 2)
    }

    @Test func errorsNameFilePositionAndKind() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let rules = try write("ok(x) :- q(x)\np(x) :- q(y)\n", "rules.dl", in: directory)
        let result = try TestSupport.runAgora(["eval", "--rules", rules, "p(x)"])
        #expect(result.status == 1)
        #expect(
            result.standardError.hasPrefix("\(rules):2:1: error: unsafe_head: Variable x found in head but not in body")
        )
        let usage = try TestSupport.runAgora(["eval", "--rules", rules, "-e", "p(x)"])
        #expect(usage.status == 2)
        #expect(usage.standardError.contains("unknown option -e"))
    }

    @Test func schemaListsDataSourceTables() throws {
        let result = try TestSupport.runAgora(["schema", "ids"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("ids:ip_packet(src_ip, dst_ip)\n"))
    }

    @Test func misspeltTestFieldIsAnError() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try write(
            #"[{"name": "typo", "kind": "nonrecursive", "rules": "p(1)", "query": "p(x)", "expect": ""}]"#, "t.json",
            in: directory)
        let result = try TestSupport.runAgora(["test", file])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("unknown field 'expect'"))
    }
}
