import Testing

@testable import Datalog

/// Helpers shared by the parser tests.
enum ParserFixtures {
    /// Parses text that must be valid and returns its statements.
    static func rules(_ text: String) throws -> [Rule] {
        try Parser.parse(text)
    }

    /// Parses text that must fail and returns the error's message and position.
    static func failure(_ text: String) -> (message: String, at: String)? {
        do {
            _ = try Parser.parse(text)
            return nil
        } catch {
            guard case .parse(let message, let at) = error else { return nil }
            return (message, at.description)
        }
    }
}

@Suite struct ParserTests {
    @Test func factWithTerms() throws {
        let rules = try ParserFixtures.rules(#"p(1, "a", 2.5, x)"#)
        #expect(rules.count == 1)
        let rule = try #require(rules.first)
        #expect(rule.isFact)
        #expect(rule.head.name == TableName(table: "p"))
        let terms = rule.head.arguments.map(\.term)
        #expect(terms == [.constant(.int(1)), .constant(.string("a")), .constant(.float(2.5)), .variable("x")])
    }

    @Test func zeroArityAtoms() throws {
        let rules = try ParserFixtures.rules("p :- q(1), r\ns()")
        #expect(rules.count == 2)
        #expect(rules[0].description == "p() :- q(1), r()")
        #expect(rules[1].description == "s()")
        #expect(rules[0].body[1].atom.arguments.isEmpty)
    }

    @Test func serviceSplitsAtFirstColon() throws {
        let atom = try #require(try ParserFixtures.rules("a:b:c(x)").first).head
        #expect(atom.name.service == "a")
        #expect(atom.name.table == "b:c")

        let servers = try #require(try ParserFixtures.rules("nova:servers.pause(x)").first).head
        #expect(servers.name == TableName(service: "nova", table: "servers.pause"))
    }

    @Test func updateTableSigns() throws {
        let rules = try ParserFixtures.rules("p+(x) :- q(x)\nnova:p-(1)\nr+")
        #expect(rules[0].head.name == TableName(table: "p", sign: .insert))
        #expect(rules[1].head.name == TableName(service: "nova", table: "p", sign: .delete))
        #expect(rules[1].head.arguments.map(\.term) == [.constant(.int(1))])
        #expect(rules[2].head.name == TableName(table: "r", sign: .insert))
    }

    @Test func identifierForms() throws {
        let rule = try #require(
            try ParserFixtures.rules("p(_, False, .x, _y.z, a1) :- q(_, False, .x, _y.z, a1)").first)
        let names = rule.head.arguments.map { $0.term.variable }
        #expect(names == ["_", "False", ".x", "_y.z", "a1"])
        #expect(try ParserFixtures.rules(".t(1)").first?.head.name.table == ".t")
    }

    @Test func columnReferences() throws {
        let rule = try #require(try ParserFixtures.rules(#"p(x) :- nova:servers(x, id=y, 2="ACTIVE")"#).first)
        let arguments = rule.body[0].atom.arguments
        #expect(arguments[0].column == nil)
        #expect(arguments[1].column == .name("id"))
        #expect(arguments[1].term == .variable("y"))
        #expect(arguments[2].column == .index(2))
        #expect(arguments[2].term == .constant(.string("ACTIVE")))
        #expect(rule.description == #"p(x) :- nova:servers(x, id=y, 2="ACTIVE")"#)
    }

    @Test func negationForms() throws {
        let rule = try #require(try ParserFixtures.rules("p(x) :- q(x), not r(x), NOT s(x), !t(x), ! u(x)").first)
        #expect(rule.body.map(\.negated) == [false, true, true, true, true])
        #expect(rule.body.map(\.atom.name.table) == ["q", "r", "s", "t", "u"])
    }

    @Test func notAsTableName() throws {
        let rule = try #require(try ParserFixtures.rules("p(x) :- not(x), not not(x)").first)
        #expect(rule.body[0].negated == false)
        #expect(rule.body[0].atom.name.table == "not")
        #expect(rule.body[1].negated)
        #expect(rule.body[1].atom.name.table == "not")
    }

    @Test func modalWrappers() throws {
        let rules = try ParserFixtures.rules(
            "execute[nova:servers.pause(x)] :- bad(x)\ninsert[p(x)] :- q(x)\nr(x) :- delete[s(x)]\nexecute[t(1)]")
        #expect(rules[0].head.modal == "execute")
        #expect(rules[0].head.name == TableName(service: "nova", table: "servers.pause"))
        #expect(rules[0].head.location == SourceLocation(line: 1, column: 1))
        #expect(rules[1].head.modal == "insert")
        #expect(rules[2].body[0].atom.modal == "delete")
        #expect(rules[3].isFact)
        #expect(rules[3].description == "execute[t(1)]")
    }

    @Test func aggregateTerms() throws {
        let rule = try #require(try ParserFixtures.rules("n(count(x)) :- q(x)").first)
        #expect(rule.head.arguments[0].term == .aggregate(.count, "x"))
        #expect(rule.description == "n(count(x)) :- q(x)")
    }

    @Test func comments() throws {
        let text = """
            // leading comment
            p(1) # hash comment
            /* block
               comment */ q(2) /* inline */ :- r(2)
            s(3) // comment without newline at the end
            """
        let rules = try ParserFixtures.rules(text)
        #expect(rules.map(\.description) == ["p(1)", "q(2) :- r(2)", "s(3)"])
        #expect(try ParserFixtures.rules("p(1) #").count == 1)
        #expect(try ParserFixtures.rules("").isEmpty)
        #expect(try ParserFixtures.rules("  // only a comment").isEmpty)
    }

    @Test func terminatorsAndAdjacency() throws {
        #expect(try ParserFixtures.rules("p(1); q(2). r(3)").map(\.description) == ["p(1)", "q(2)", "r(3)"])
        #expect(try ParserFixtures.rules("p(2) r(1, 2)").map(\.description) == ["p(2)", "r(1, 2)"])
        #expect(try ParserFixtures.rules("p(1)q(2)").count == 2)

        let rules = try ParserFixtures.rules(#"p(x) :- q(x) action("q")"#)
        #expect(rules.map(\.description) == [#"p(x) :- q(x)"#, #"action("q")"#])
    }

    @Test func trailingDotEndsName() throws {
        let rules = try ParserFixtures.rules("p.\nq :- r.\ns.t(1).")
        #expect(rules.map(\.description) == ["p()", "q() :- r()", "s.t(1)"])
    }

    @Test func severalHeads() throws {
        let rule = try #require(try ParserFixtures.rules("p(x), q(x) :- r(x)").first)
        #expect(rule.heads.count == 2)
        #expect(rule.body.count == 1)
        #expect(!rule.isFact)
    }

    @Test func trueBody() throws {
        let rule = try #require(try ParserFixtures.rules("p(1) :- true").first)
        #expect(rule.body.map(\.atom.name.table) == ["true"])
        #expect(rule.body[0].atom.arguments.isEmpty)
    }

    @Test func statementText() throws {
        let rules = try ParserFixtures.rules("p(x)  :-  q(x) ;\n  r( 1 ) . s(2)/* c */\n")
        #expect(rules.map(\.text) == ["p(x)  :-  q(x)", "r( 1 )", "s(2)"])
    }

    @Test func locations() throws {
        let rules = try ParserFixtures.rules("p(1)\n  q(\"é€\", x) :- !r(y,\n    id=z)")
        #expect(rules[1].location == SourceLocation(line: 2, column: 3))
        #expect(rules[1].head.location == SourceLocation(line: 2, column: 3))
        #expect(rules[1].head.arguments[0].location == SourceLocation(line: 2, column: 5))
        // Columns count Unicode scalars, so the two-scalar string ends at column 8.
        #expect(rules[1].head.arguments[1].location == SourceLocation(line: 2, column: 11))
        #expect(rules[1].body[0].atom.location == SourceLocation(line: 2, column: 18))
        #expect(rules[1].body[0].atom.arguments[1].location == SourceLocation(line: 3, column: 5))
    }
}
