// Parsing of the supported pattern syntax into `RegexNode`.

/// A recursive-descent parser of the supported pattern syntax.
struct RegexParser {
    let scalars: [Unicode.Scalar]
    var index = 0
    /// Set by a counted quantifier whose maximum is below its minimum, which Python rejects.
    var hasInvalidBounds = false

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var isAtEnd: Bool { index == scalars.count }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    mutating func parseAlternation() -> RegexNode? {
        var branches: [RegexNode] = []
        repeat {
            if !branches.isEmpty { index += 1 }
            guard let branch = parseSequence() else { return nil }
            branches.append(branch)
        } while current == "|"
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() -> RegexNode? {
        var items: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            guard let atom = parseAtom() else { return nil }
            guard let item = parseQuantifiers(on: atom) else { return nil }
            items.append(item)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .sequence(items))
    }

    private mutating func parseQuantifiers(on atom: RegexNode) -> RegexNode? {
        guard let bounds = parseQuantifier() else { return atom }
        if case .assertion = atom { return nil }
        if current == "?" { index += 1 }
        // Python rejects a second quantifier ("multiple repeat"); so does this parser.
        if let next = current, next == "*" || next == "+" || next == "?" || startsCountedQuantifier() { return nil }
        return .repetition(atom, minimum: bounds.minimum, maximum: bounds.maximum)
    }

    private mutating func parseQuantifier() -> (minimum: Int, maximum: Int?)? {
        switch current {
        case "*":
            index += 1
            return (0, nil)
        case "+":
            index += 1
            return (1, nil)
        case "?":
            index += 1
            return (0, 1)
        case "{":
            return parseCountedQuantifier()
        default:
            return nil
        }
    }

    private func startsCountedQuantifier() -> Bool {
        var copy = self
        return copy.parseCountedQuantifier() != nil
    }

    /// Parses `{m}`, `{m,}`, `{,n}` or `{m,n}`; anything else leaves `{` to be read as a literal.
    private mutating func parseCountedQuantifier() -> (minimum: Int, maximum: Int?)? {
        let start = index
        index += 1
        let minimum = parseCount()
        var maximum = minimum
        if current == "," {
            index += 1
            maximum = parseCount()
        } else if minimum == nil {
            index = start
            return nil
        }
        guard current == "}" else {
            index = start
            return nil
        }
        index += 1
        if let minimum, let maximum, maximum < minimum {
            hasInvalidBounds = true
            return nil
        }
        return (minimum ?? 0, maximum)
    }

    private mutating func parseCount() -> Int? {
        var value: Int? = nil
        while let scalar = current, scalar.isASCII, isASCIIDigit(UInt8(scalar.value)) {
            let digit = Int(scalar.value) - Int(UInt8(ascii: "0"))
            value = min((value ?? 0) * 10 + digit, PythonRegex.maximumProgramSize + 1)
            index += 1
        }
        return value
    }

    private mutating func parseAtom() -> RegexNode? {
        guard let scalar = current else { return nil }
        index += 1
        switch scalar {
        case "(":
            if current == "?" {
                guard index + 1 < scalars.count, scalars[index + 1] == ":" else { return nil }
                index += 2
            }
            guard let inner = parseAlternation(), current == ")" else { return nil }
            index += 1
            return inner
        case "[": return parseBracket().map { .set($0) }
        case ".": return .anyExceptNewline
        case "^": return .assertion(.textStart)
        case "$": return .assertion(.endBeforeFinalNewline)
        case "\\": return parseEscape()
        case "*", "+", "?", ")": return nil
        case "{": return startsCountedQuantifierAfterOpening() ? nil : .scalar("{")
        default: return .scalar(scalar)
        }
    }

    private mutating func startsCountedQuantifierAfterOpening() -> Bool {
        index -= 1
        defer { index += 1 }
        return startsCountedQuantifier()
    }

    private mutating func parseEscape() -> RegexNode? {
        guard let scalar = current else { return nil }
        switch scalar {
        case "A":
            index += 1
            return .assertion(.textStart)
        case "Z":
            index += 1
            return .assertion(.textEnd)
        case "b":
            index += 1
            return .assertion(.wordBoundary)
        case "B":
            index += 1
            return .assertion(.notWordBoundary)
        default: break
        }
        guard let item = parseClassEscape() else { return nil }
        switch item {
        case .scalar(let value): return .scalar(value)
        case .shorthand(let kind, let negated): return .set(ScalarSet(classes: [(kind, negated)]))
        }
    }

    private enum ClassItem {
        case scalar(Unicode.Scalar)
        case shorthand(ScalarClass, negated: Bool)
    }

    /// Parses what follows a backslash, inside or outside brackets.
    private mutating func parseClassEscape() -> ClassItem? {
        guard let scalar = current else { return nil }
        index += 1
        switch scalar {
        case "d": return .shorthand(.digit, negated: false)
        case "D": return .shorthand(.digit, negated: true)
        case "w": return .shorthand(.word, negated: false)
        case "W": return .shorthand(.word, negated: true)
        case "s": return .shorthand(.space, negated: false)
        case "S": return .shorthand(.space, negated: true)
        case "n": return .scalar("\n")
        case "t": return .scalar("\t")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "x": return parseHexScalar(digits: 2).map { .scalar($0) }
        case "u": return parseHexScalar(digits: 4).map { .scalar($0) }
        default:
            // Escaped punctuation stands for itself; an escaped letter or digit is unsupported.
            guard !scalar.properties.isAlphabetic && scalar.properties.numericType == nil else { return nil }
            return .scalar(scalar)
        }
    }

    private mutating func parseHexScalar(digits: Int) -> Unicode.Scalar? {
        guard index + digits <= scalars.count else { return nil }
        let hexDigits = scalars[index..<(index + digits)]
        // Check each digit, because UInt32(_:radix:) would also accept a leading sign.
        guard hexDigits.allSatisfy({ $0.properties.isASCIIHexDigit }) else { return nil }
        guard let value = UInt32(String(String.UnicodeScalarView(hexDigits)), radix: 16) else { return nil }
        index += digits
        return Unicode.Scalar(value)
    }

    /// Parses a bracket class after its `[`.
    private mutating func parseBracket() -> ScalarSet? {
        var set = ScalarSet()
        if current == "^" {
            set.isNegated = true
            index += 1
        }
        var isFirst = true
        while let scalar = current, scalar != "]" || isFirst {
            isFirst = false
            index += 1
            var low = scalar
            if scalar == "\\" {
                guard let item = parseClassEscape() else { return nil }
                guard case .scalar(let value) = item else {
                    if case .shorthand(let kind, let negated) = item { set.classes.append((kind, negated)) }
                    continue
                }
                low = value
            }
            guard current == "-", index + 1 < scalars.count, scalars[index + 1] != "]" else {
                set.ranges.append(low...low)
                continue
            }
            index += 1
            guard var high = current else { return nil }
            index += 1
            if high == "\\" {
                guard case .scalar(let value) = parseClassEscape() else { return nil }
                high = value
            }
            guard low <= high else { return nil }
            set.ranges.append(low...high)
        }
        guard current == "]" else { return nil }
        index += 1
        return set
    }
}
