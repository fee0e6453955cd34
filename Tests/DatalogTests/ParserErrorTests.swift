import Testing

@testable import Datalog

@Suite struct ParserErrorTests {
    @Test(arguments: [
        ("p(x) :- q(x", "unexpected end of input; expected ')' to close the argument list opened at 1:10", "1:12"),
        ("p(,)", "unexpected ','; expected a term", "1:3"),
        ("p(1,)", "unexpected ')'; expected a term", "1:5"),
        ("p(1 2)", "unexpected '2'; expected ',' or ')' to close the argument list opened at 1:2", "1:5"),
        ("p(1))", "unexpected ')'; expected a statement", "1:5"),
        ("p(1), q(2)", "unexpected end of input; expected ':-' after several heads", "1:11"),
        ("p(1), q(2). r(3)", "unexpected '.'; expected ':-' after several heads", "1:11"),
        ("p(x) :-", "unexpected end of input; expected a literal after ':-'", "1:8"),
        ("p(x) :- q(x),", "unexpected end of input; expected a literal after ','", "1:14"),
        ("p(x) :- , q(x)", "unexpected ','; expected a literal after ':-'", "1:9"),
        (";", "unexpected ';'; expected a statement", "1:1"),
        ("p(1);;", "unexpected ';'; expected a statement", "1:6"),
        ("p(x) :- !", "unexpected end of input; expected an atom after '!'", "1:10"),
        ("nova:(x)", "unexpected '('; expected a table name after ':'", "1:6"),
        ("p(x) @ q", "unexpected character '@'", "1:6"),
        ("p(\"a\") €", "unexpected character '€'", "1:8"),
        ("p(x=)", "unexpected ')'; expected a term", "1:5"),
        ("p(-1=x)", "column number -1 is negative; columns count from 0", "1:3"),
        ("p(\"c\"=x)", "unexpected string \"c\"; expected a column name or number before '='", "1:3"),
        (
            "p(f(x))",
            "unexpected '(' after variable 'f'; only the aggregates count, sum, min and max take an argument", "1:4"
        ),
        ("p(count(1))", "unexpected '1'; expected a variable inside count(", "1:9"),
        ("not p(1)", "negated head not p(1); negation is allowed only in a rule body", "1:5"),
        ("!p(x) :- q(x)", "negated head not p(x); negation is allowed only in a rule body", "1:2"),
        ("execute[p(1)", "unexpected end of input; expected ']' to close 'execute[' opened at 1:1", "1:13"),
        ("foo[p(1)]", "unknown modal 'foo'; expected execute, insert or delete before '['", "1:1"),
        ("execute[insert[p(1)]]", "modal insert[...] cannot be nested in another", "1:9"),
        ("execute[]", "unexpected ']'; expected an atom inside 'execute['", "1:9"),
        ("p(1) /* open", "unterminated comment; expected '*/' to close the '/*' here", "1:6"),
        ("p(\"a\") q(", "unexpected end of input; expected a term", "1:10"),
    ])
    func reportsPosition(text: String, message: String, at: String) throws {
        let failure = try #require(ParserFixtures.failure(text))
        #expect(failure.message.hasPrefix(message), "\(failure.message)")
        #expect(failure.at == at, "\(failure.message)")
    }

    @Test(arguments: [
        #"insert[p(1) :- true; "policy"]"#,
        #"delete[p(x) :- q(x)]"#,
        #"insert[p(1); "policy"]"#,
    ])
    func rejectsEvents(text: String) throws {
        let failure = try #require(ParserFixtures.failure(text))
        #expect(failure.message.hasPrefix("event statements such as"), "\(failure.message)")
        #expect(failure.message.contains("are not supported"))
        #expect(failure.at == "1:1")
    }

    @Test func errorCarriesParseKind() {
        do {
            _ = try Parser.parse("p(")
            Issue.record("expected a parse error")
        } catch {
            #expect(error.kind == "parse")
            #expect(error.description.hasPrefix("1:3: error: parse: Parse failure: unexpected end of input"))
        }
    }
}
