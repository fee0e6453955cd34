import Testing

@testable import Datalog

/// Returns the rule with every position cleared, so rules compare by structure alone.
private func withoutPositions(_ rule: Rule) -> [Literal] {
    let origin = SourceLocation(line: 1, column: 1)
    func clear(_ literal: Literal) -> Literal {
        var literal = literal
        literal.atom.location = origin
        for index in literal.atom.arguments.indices { literal.atom.arguments[index].location = origin }
        return literal
    }
    return rule.heads.map(clear) + [Literal(atom: Atom(name: TableName(table: ":-"), arguments: [], location: origin))]
        + rule.body.map(clear)
}

@Suite struct ParserRoundTripTests {
    @Test(arguments: [
        "p(1, -2, 3.5, -0.25, 1e-05, 1e+16, \"a\\\"b\\\\c\\n\", x, _, False)",
        "execute[nova:servers.pause(x)] :- nova:servers(id=x, status=\"ACTIVE\"), not ok(x)",
        "p+(x) :- q-(x, 0=y), a:b:c(y), !r(), builtin:plus(x, y, z)",
        "p(x), q(x) :- r(x)",
        "n(count(x), sum(y)) :- q(x, y)",
        "p() :- true",
        "s(\"\u{0}\u{1}\u{7f}é😀\t\")",
    ])
    func printedRuleParsesBack(text: String) throws {
        let first = try Parser.parse(text)
        let printed = first.map(\.description).joined(separator: "\n")
        let second = try Parser.parse(printed)
        #expect(first.count == second.count)
        #expect(first == second)
        #expect(first.map(withoutPositions) == second.map(withoutPositions))
    }

    @Test func randomRulesRoundTrip() throws {
        var generator = SeededSplitMix(seed: 0x5eed)
        for _ in 0..<500 {
            let rule = randomRule(&generator)
            let printed = rule.description
            let parsed = try Parser.parse(printed)
            #expect(parsed.count == 1, "\(printed)")
            guard let reparsed = parsed.first else { continue }
            #expect(withoutPositions(reparsed) == withoutPositions(rule), "\(printed)")
            #expect(reparsed.text == printed)
        }
    }
}

private let origin = SourceLocation(line: 1, column: 1)

private func randomRule(_ generator: inout SeededSplitMix) -> Rule {
    let heads = [Literal(atom: randomAtom(&generator, inHead: true))]
    let bodyCount = Int.random(in: 0...3, using: &generator)
    let body = (0..<bodyCount).map { _ in
        Literal(atom: randomAtom(&generator, inHead: false), negated: Bool.random(using: &generator))
    }
    return Rule(heads: heads, body: body, location: origin)
}

private func randomAtom(_ generator: inout SeededSplitMix, inHead: Bool) -> Atom {
    let service = Bool.random(using: &generator) ? randomName(&generator) : nil
    let sign: UpdateSign? = [nil, nil, .insert, .delete].randomElement(using: &generator)!
    let name = TableName(service: service, table: randomName(&generator), sign: sign)
    let modal = Int.random(in: 0..<5, using: &generator) == 0 ? "execute" : nil

    let count = Int.random(in: 0...4, using: &generator)
    let arguments = (0..<count).map { index in
        var column: ColumnReference? = nil
        if index > 0 && Bool.random(using: &generator) {
            column =
                Bool.random(using: &generator)
                ? .name(randomName(&generator)) : .index(Int.random(in: 0...20, using: &generator))
        }
        return Argument(column: column, term: randomTerm(&generator, inHead: inHead), location: origin)
    }
    return Atom(modal: modal, name: name, arguments: arguments, location: origin)
}

private func randomTerm(_ generator: inout SeededSplitMix, inHead: Bool) -> Term {
    switch Int.random(in: 0..<6, using: &generator) {
    case 0: return .variable(randomName(&generator))
    case 1: return .constant(.int(Int64.random(in: .min ... .max, using: &generator)))
    case 2: return .constant(.int(Int64.random(in: -5...5, using: &generator)))
    case 3:
        var value = Double(bitPattern: generator.next())
        if !value.isFinite { value = 0.5 }
        return .constant(.float(value))
    case 4 where inHead:
        return .aggregate(AggregateFunction.allCases.randomElement(using: &generator)!, randomName(&generator))
    default: return .constant(.string(randomString(&generator)))
    }
}

/// Generates a name of letters, digits, `_` and `.` that starts with a letter, `_`, or `.` and a letter.
private func randomName(_ generator: inout SeededSplitMix) -> String {
    let letters = Array("abcxyzABCXYZ_")
    let rest = Array("abcxyzABCXYZ_.0123456789")
    var name = Bool.random(using: &generator) ? "" : "."
    name.append(letters.randomElement(using: &generator)!)
    for _ in 0..<Int.random(in: 0...6, using: &generator) {
        name.append(rest.randomElement(using: &generator)!)
    }
    if name.hasSuffix(".") { name.append("z") }
    return name
}

private func randomString(_ generator: inout SeededSplitMix) -> String {
    let pieces: [String] = [
        "a", "Z", " ", "\"", "'", "\\", "\n", "\t", "\r", "\0", "\u{7}", "é", "😀", "\\u", "//", "#", "/*",
    ]
    var text = ""
    for _ in 0..<Int.random(in: 0...8, using: &generator) {
        text += pieces.randomElement(using: &generator)!
    }
    return text
}
