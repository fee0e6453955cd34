import Agora
import Datalog
import Foundation

/// `agora test FILE...`: runs policy test files and reports each failing case.
enum TestCommand {
    static let usage = "usage: agora test FILE...   (JSON arrays of policy test cases)"

    static func run(_ arguments: [String]) -> Int32 {
        if arguments.isEmpty || arguments.contains("--help") {
            FileHandle.standardError.write(Data("\(usage)\n".utf8))
            return arguments.isEmpty ? 2 : 0
        }
        var passed = 0
        var failed = 0
        for path in arguments {
            let cases: [PolicyTestCase]
            do {
                cases = try PolicyTestRunner.load(path)
            } catch {
                FileHandle.standardError.write(Data("agora test: error: cannot load \(path): \(error)\n".utf8))
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
