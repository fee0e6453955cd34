import Agora
import Datalog
import Foundation

/// `agora test FILE...`: runs policy test files and reports each failing case.
enum TestCommand {
    static let usage = """
        usage: agora test FILE...
          Each FILE is a JSON array of cases. A case has a name and a kind (nonrecursive, materialized,
          database, action, z3, simulate, execute); it loads other_policies, pre_rules, rules and facts,
          applies updates, and then checks a query against expected (one formula a line), or the
          action calls against expected_calls, or a rejected insert against expected_error.
          The README's "Policy tests" section gives every field.
        """

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("--help") {
            print(usage)
            return 0
        }
        if arguments.isEmpty {
            FileHandle.standardError.write(Data("\(usage)\n".utf8))
            return 2
        }
        var passed = 0
        var failed = 0
        for path in arguments {
            let cases: [PolicyTestCase]
            do {
                cases = try PolicyTestRunner.load(path)
            } catch {
                print("ERROR \(path): \(error)")
                failed += 1
                continue
            }
            for testCase in cases {
                let result = PolicyTestRunner.run(testCase)
                if let failure = result.failure {
                    print("FAIL \(result.name): \(failure)")
                    failed += 1
                } else {
                    passed += 1
                }
            }
        }
        print("\(passed) passed, \(failed) failed")
        return failed == 0 ? 0 : 1
    }
}
