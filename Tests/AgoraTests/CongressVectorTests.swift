import Agora
import Datalog
import Foundation
import Testing

/// Congress's own test vectors, run through the policy test runner and through `agora test`.
///
/// Agora differs from Congress on purpose in three vectors; each has its own test below that
/// asserts Agora's behaviour, and the `agora test` run gets those vectors rewritten to match.
@Suite struct CongressVectorTests {
    static let vectorsPath = TestSupport.sharedFile("data/congress-vectors.json").path

    /// Vectors where Agora differs from Congress deliberately, with Agora's expected answers.
    static let deliberateDifferences: [String: (query: String, expected: String)] = [
        // Agora allows stratified recursion in materialized policies.
        "rej_recursion_materialized": ("q(x, y)", ""),
        // Agora accepts negative number literals.
        "rej_negative_number_literal": ("p(x)", "p(-1)"),
        // Each `_` is its own anonymous variable in Agora.
        "quirk_underscore_is_a_named_variable": ("p(x)", "p(1)"),
    ]

    @Test func everyVectorPasses() throws {
        let cases = try PolicyTestRunner.load(Self.vectorsPath)
        #expect(cases.count >= 93)
        for testCase in cases where Self.deliberateDifferences[testCase.name] == nil {
            let result = PolicyTestRunner.run(testCase)
            #expect(result.failure == nil, "\(testCase.name): \(result.failure ?? "")")
        }
    }

    @Test func agoraTestRunsTheVectorFile() throws {
        // The file with the deliberate differences rewritten to Agora's expectations.
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.vectorsPath))
        var vectors = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        for index in vectors.indices {
            guard let name = vectors[index]["name"] as? String, let change = Self.deliberateDifferences[name] else {
                continue
            }
            vectors[index]["expected_error"] = nil
            vectors[index]["query"] = change.query
            vectors[index]["expected"] = change.expected
        }
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("vectors.json")
        try JSONSerialization.data(withJSONObject: vectors).write(to: file)

        let result = try TestSupport.runAgora(["test", file.path])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.last == "\(vectors.count) passed, 0 failed")
    }

    @Test func agoraTestReportsAFailingCase() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("wrong.json")
        let json =
            #"[{"name": "wrong_answer", "kind": "nonrecursive", "rules": "p(x) :- q(x)", "facts": "q(1)", "query": "p(x)", "expected": "p(2)"}]"#
        try Data(json.utf8).write(to: file)
        let result = try TestSupport.runAgora(["test", file.path])
        #expect(result.status == 1)
        #expect(
            result.standardOutput.contains(
                "FAIL wrong_answer: answers differ: missing [\"p(2)\"], unexpected [\"p(1)\"]"))
        #expect(result.standardOutput.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func recursionIsAllowedInMaterialized() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test", kind: .materialized)
        try runtime.insert("q(x,y) :- p(x,y)  q(x,y) :- p(x,z), q(z,y)", into: "test")
        try runtime.insert("p(1,2) p(2,3)", into: "test")
        #expect(try runtime.query("q(x, y)", in: "test") == ["q(1, 2)", "q(1, 3)", "q(2, 3)"])
    }

    @Test func recursionIsRejectedInNonrecursive() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test", kind: .nonrecursive)
        #expect(throws: DatalogError.recursion(cycle: ["q", "q"], at: SourceLocation(line: 1, column: 19))) {
            try runtime.insert("q(x,y) :- p(x,y)  q(x,y) :- p(x,z), q(z,y)", into: "test")
        }
        #expect(runtime.rules(of: "test").isEmpty)
    }

    @Test func negativeNumbersParse() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test")
        try runtime.insert("p(-1) p(-2.5)", into: "test")
        #expect(try runtime.query("p(x)", in: "test") == ["p(-1)", "p(-2.5)"])
    }

    @Test func underscoreIsAnonymous() throws {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("test")
        try runtime.insert("p(x) :- q(x, _), r(_)", into: "test")
        try runtime.insert("q(1,2) r(3)", into: "test")
        #expect(try runtime.query("p(x)", in: "test") == ["p(1)"])
    }
}
