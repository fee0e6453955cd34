import Testing

@testable import Datalog

/// Parses `p(TERM)` and returns the term.
private func term(_ text: String) throws -> Term {
    let rules = try Parser.parse("p(\(text))")
    return try #require(rules.first?.head.arguments.first?.term)
}

@Suite struct ParserLiteralTests {
    @Test(arguments: [
        ("0", Int64(0)),
        ("00", 0),
        ("42", 42),
        ("-1", -1),
        ("9223372036854775807", Int64.max),
        ("-9223372036854775808", Int64.min),
    ])
    func integers(text: String, value: Int64) throws {
        #expect(try term(text) == .constant(.int(value)))
    }

    @Test(arguments: [
        ("1.5", 1.5),
        (".5", 0.5),
        ("2.", 2.0),
        ("1e3", 1000.0),
        ("1E3", 1000.0),
        ("1.5e-3", 0.0015),
        ("1.e5", 100000.0),
        ("1e+16", 1e16),
        ("-2.5", -2.5),
        ("-.5", -0.5),
        ("007.5", 7.5),
    ])
    func floats(text: String, value: Double) throws {
        #expect(try term(text) == .constant(.float(value)))
    }

    @Test(arguments: [
        ("007", "integer 007 has a leading zero"),
        ("0x1F", "hexadecimal literal 0x1F is not supported; only decimal numbers are, so write 31"),
        ("-0o17", "octal literal -0o17 is not supported; only decimal numbers are, so write -15"),
        ("0B101", "binary literal 0B101 is not supported; only decimal numbers are, so write 5"),
        ("0xZZ", "hexadecimal literal 0xZZ is not supported; only decimal numbers are"),
        ("9223372036854775808", "integer 9223372036854775808 does not fit in 64 bits"),
        ("-9223372036854775809", "integer -9223372036854775809 does not fit in 64 bits"),
        ("1e999", "float 1e999 is out of range"),
        ("1e", "invalid number 1e"),
        ("1.5.3", "invalid number 1.5.3"),
        ("12abc", "invalid number 12abc"),
    ])
    func invalidNumbers(text: String, message: String) throws {
        let failure = try #require(ParserFixtures.failure("p(\(text))"))
        #expect(failure.message.hasPrefix(message), "\(failure.message)")
        #expect(failure.at == "1:3")
    }

    @Test func stringQuotes() throws {
        #expect(try term(#""abc""#) == .constant(.string("abc")))
        #expect(try term("'abc'") == .constant(.string("abc")))
        #expect(try term(#"'say "hi"'"#) == .constant(.string(#"say "hi""#)))
        #expect(try term(#""it's""#) == .constant(.string("it's")))
        #expect(try term(#""""#) == .constant(.string("")))
        #expect(try term("\"two\nlines\"") == .constant(.string("two\nlines")))
    }

    @Test(arguments: [
        (#""a\"b""#, "a\"b"),
        (#"'a\'b'"#, "a'b"),
        (#""a\\b""#, "a\\b"),
        (#""\n\t\r\0""#, "\n\t\r\0"),
        (#""\u00e9\u20AC""#, "é€"),
        (#""\u{1F600}!""#, "😀!"),
        (#""\u{41}\u00411""#, "AA1"),
        (#""x\"\\\"y""#, "x\"\\\"y"),
    ])
    func stringEscapes(text: String, value: String) throws {
        #expect(try term(text) == .constant(.string(value)))
    }

    @Test(arguments: [
        (#"p("a\qb")"#, #"unknown escape '\q' in string"#, "1:5"),
        (#"p("\u12")"#, #"invalid Unicode escape \u12""#, "1:4"),
        (#"p("\u{D800}")"#, #"invalid Unicode escape \u{D800}"#, "1:4"),
        (#"p("\u{110000}")"#, #"invalid Unicode escape \u{110000}"#, "1:4"),
        (#"p("\u{}")"#, #"invalid Unicode escape \u{}"#, "1:4"),
        ("p(1)\nq(\"abc)", #"unterminated string; expected a closing ""#, "2:3"),
        ("q('abc\")", "unterminated string; expected a closing '", "1:3"),
    ])
    func invalidStrings(text: String, message: String, at: String) throws {
        let failure = try #require(ParserFixtures.failure(text))
        #expect(failure.message.hasPrefix(message), "\(failure.message)")
        #expect(failure.at == at)
    }
}
