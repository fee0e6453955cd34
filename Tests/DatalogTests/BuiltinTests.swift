import Testing

@testable import Datalog

/// Helpers shared by the built-in tests, which write each call as a Datalog literal.
enum BuiltinFixtures {
    /// 2024-05-01 10:20:30 UTC.
    static let context = BuiltinContext(now: 1_714_558_830)

    enum InputError: Error {
        case inputNotConstant(String)
    }

    /// Parses one built-in literal such as `plus(2, 3, x)` and returns the built-in and its arguments.
    static func call(_ literal: String) throws -> (Builtin, [Term]) {
        let atom = try #require(try Parser.parse("t :- \(literal)").first?.body.first?.atom)
        let builtin = try #require(Builtins.named(atom.name.table, arity: atom.arguments.count), "\(literal)")
        return (builtin, atom.arguments.map(\.term))
    }

    /// Evaluates the literal's constant inputs and returns the outputs, or nil when it is false.
    static func outputs(_ literal: String) throws -> [Value]? {
        let (builtin, terms) = try call(literal)
        let inputs = try terms.prefix(builtin.inputCount).map { term in
            guard case .constant(let value) = term else { throw InputError.inputNotConstant(literal) }
            return value
        }
        return builtin.evaluate(inputs, context: context)
    }

    /// Returns true when the literal holds: its outputs equal the given constants, by Python's `==`.
    static func holds(_ literal: String) throws -> Bool {
        let (builtin, terms) = try call(literal)
        guard let outputs = try outputs(literal) else { return false }
        let expected = terms.dropFirst(builtin.inputCount)
        #expect(outputs.count == expected.count)
        return zip(outputs, expected).allSatisfy { output, term in
            guard case .constant(let value) = term else { return true }
            return pythonCompare(output, value) == 0
        }
    }
}

@Suite struct BuiltinTests {
    /// The checks of Congress's own built-in tests, with the outcome Congress asserts.
    @Test(arguments: [
        ("int(2, 2)", true),
        ("int(2.3, 2)", true),
        ("int(2, 3.3)", false),
        ("float(2, 2.0)", true),
        ("float(2.3, 2.3)", true),
        ("float(2, 3.3)", false),
        ("plus(2, 3, 5)", true),
        ("plus(2, 3, 1)", false),
        ("minus(5, 3, 2)", true),
        ("minus(5, 3, 6)", false),
        ("mul(3, 5, 15)", true),
        ("mul(2, 5, 1)", false),
        ("div(10, 2, 5)", true),
        ("div(10, 4, 2)", true),
        ("div(10, 4.0, 2.5)", true),
        ("div(10.0, 3, 3.3)", false),
        (#"len("abcde", 5)"#, true),
        (#"len("abcde", 7)"#, false),
        (#"concat("abc", "def", "abcdef")"#, true),
        (#"concat("abc", "def", "zxy")"#, false),
        (#"ips_equal("192.0.2.1", "192.0.2.1")"#, true),
        (#"ips_equal("192.0.2.1", "192.0.2.2")"#, false),
        (#"ips_lt("192.0.2.1", "192.0.2.2")"#, true),
        (#"ips_lt("192.0.2.1", "192.0.2.1")"#, false),
        (#"ips_lteq("192.0.2.1", "192.0.2.1")"#, true),
        (#"ips_gt("192.0.2.1", "192.0.2.2")"#, false),
        (#"ips_gteq("192.0.2.2", "192.0.2.2")"#, true),
        (#"networks_equal("192.0.2.0/24", "192.0.2.112/24")"#, true),
        (#"networks_equal("192.0.2.0/24", "192.0.3.0/24")"#, false),
        (#"networks_overlap("192.0.2.0/23", "192.0.2.0/24")"#, true),
        (#"networks_overlap("192.0.2.0/24", "192.0.3.0/24")"#, false),
        (#"ip_in_network("192.168.0.1", "192.168.0.0/24")"#, true),
        (#"ip_in_network("192.168.10.1", "192.168.0.0/24")"#, false),
    ])
    func congressExpectations(literal: String, holds: Bool) throws {
        #expect(try BuiltinFixtures.holds(literal) == holds)
    }

    @Test(arguments: [
        ("lt(1, 1.5)", true),
        ("lt(2, 1.5)", false),
        ("gt(2, 1.5)", true),
        ("equal(2, 2.0)", true),
        ("equal(2, 2.5)", false),
        (#"lt("a", "b")"#, true),
        (#"lt("b", "a")"#, false),
        (#"lt("Z", "a")"#, true),
        (#"lteq("a", "a")"#, true),
        (#"gteq("ab", "a")"#, true),
        (#"lt(1, "a")"#, false),
        (#"gt("a", 1)"#, false),
        (#"equal(1, "1")"#, false),
        (#"equal("é", "e\u0301")"#, false),
        ("lteq(9223372036854775807, 9223372036854775808.0)", true),
        ("lt(9007199254740993, 9007199254740992.0)", false),
        ("gt(9007199254740993, 9007199254740992.0)", true),
        ("equal(-0.0, 0)", true),
    ])
    func comparisons(literal: String, holds: Bool) throws {
        #expect(try BuiltinFixtures.holds(literal) == holds)
    }

    @Test(arguments: [
        ("max(1, 2, 2)", true),
        ("max(2.5, 1, 2.5)", true),
        (#"max("a", "b", "b")"#, true),
        (#"max(1, "a", 1)"#, false),
        (#"plus("ab", "cd", "abcd")"#, true),
        (#"plus(1, "a", 1)"#, false),
        ("plus(1, 2.5, 3.5)", true),
        ("plus(9223372036854775807, 1, 0)", false),
        ("minus(1.5, 1, 0.5)", true),
        ("minus(-9223372036854775808, 1, 0)", false),
        (#"mul("ab", 3, "ababab")"#, true),
        (#"mul(2, "ab", "abab")"#, true),
        (#"mul("ab", -1, "")"#, true),
        ("mul(2.5, 2, 5.0)", true),
        ("mul(4611686018427387904, 2, 0)", false),
        ("div(-7, 2, -4)", true),
        ("div(7, -2, -4)", true),
        ("div(-8, 2, -4)", true),
        ("div(1, 0, 0)", false),
        ("div(1.0, 0, 0)", false),
        ("div(-9223372036854775808, -1, 0)", false),
        ("div(-7, 2.0, -3.5)", true),
        (#"float("2.5", 2.5)"#, true),
        (#"float(" 3 ", 3.0)"#, true),
        (#"float("1e3", 1000.0)"#, true),
        (#"float("abc", 0)"#, false),
        (#"float("inf", 0)"#, false),
        (#"int("42", 42)"#, true),
        (#"int(" -7 ", -7)"#, true),
        (#"int("1_000", 1000)"#, true),
        (#"int("2.5", 2)"#, false),
        ("int(-2.7, -2)", true),
        ("int(1e300, 0)", false),
        (#"concat("a", 1, "a1")"#, false),
        (#"len("é😀", 2)"#, true),
        ("len(5, 1)", false),
    ])
    func arithmeticAndStrings(literal: String, holds: Bool) throws {
        #expect(try BuiltinFixtures.holds(literal) == holds)
    }

    @Test func outputTypes() throws {
        #expect(try BuiltinFixtures.outputs("div(10, 4, x)") == [.int(2)])
        #expect(try BuiltinFixtures.outputs("div(10, 4.0, x)") == [.float(2.5)])
        #expect(try BuiltinFixtures.outputs("float(2, x)") == [.float(2)])
        #expect(try BuiltinFixtures.outputs("int(2.9, x)") == [.int(2)])
        #expect(try BuiltinFixtures.outputs("max(1, 1.0, x)") == [.int(1)])
        #expect(try BuiltinFixtures.outputs("lt(1, 2)") == [])
        #expect(try BuiltinFixtures.outputs("lt(2, 1)") == nil)
    }

    @Test func wrongInputCountIsFalse() throws {
        let plus = try #require(Builtins.named("plus", arity: 3))
        #expect(plus.evaluate([.int(1)], context: BuiltinFixtures.context) == nil)
        #expect(plus.evaluate([.int(1), .int(2), .int(3)], context: BuiltinFixtures.context) == nil)
        #expect(plus.evaluate([.int(1), .int(2)], context: BuiltinFixtures.context) == [.int(3)])
    }

    @Test func registryCoversCongressTable() {
        let expected: [(String, Int, Int)] = [
            ("lt", 2, 2), ("lteq", 2, 2), ("gt", 2, 2), ("gteq", 2, 2), ("equal", 2, 2), ("max", 3, 2),
            ("plus", 3, 2), ("minus", 3, 2), ("mul", 3, 2), ("div", 3, 2), ("float", 2, 1), ("int", 2, 1),
            ("concat", 3, 2), ("len", 2, 1), ("now", 1, 0), ("unpack_date", 4, 1), ("unpack_time", 4, 1),
            ("unpack_datetime", 7, 1), ("pack_time", 4, 3), ("pack_date", 4, 3), ("pack_datetime", 7, 6),
            ("extract_date", 2, 1), ("extract_time", 2, 1), ("datetime_to_seconds", 2, 1),
            ("datetime_plus", 3, 2), ("datetime_minus", 3, 2), ("datetime_lt", 2, 2), ("datetime_lteq", 2, 2),
            ("datetime_gt", 2, 2), ("datetime_gteq", 2, 2), ("datetime_equal", 2, 2), ("ips_equal", 2, 2),
            ("ips_lt", 2, 2), ("ips_lteq", 2, 2), ("ips_gt", 2, 2), ("ips_gteq", 2, 2), ("networks_equal", 2, 2),
            ("networks_overlap", 2, 2), ("ip_in_network", 2, 2), ("validate_int", 4, 3),
            ("validate_float", 4, 3), ("validate_string", 6, 5), ("ip_canonical", 2, 1),
            ("network_canonical", 2, 1),
        ]
        for (name, arity, inputs) in expected {
            let builtin = Builtins.named(name, arity: arity)
            #expect(builtin?.inputCount == inputs, "\(name)/\(arity)")
            #expect(Builtins.isBuiltinName(name), "\(name)")
        }
        #expect(Builtins.all.count == expected.count)
        #expect(Builtins.named("plus", arity: 2) == nil)
        #expect(!Builtins.isBuiltinName("servers"))
    }
}
