/// A regular expression in the common subset of Python's `re` syntax, for `validate_string`.
///
/// Supported: literals, `.`, classes (`[a-z]`, `[^...]`), `\d \w \s \D \W \S`, `\b \B \A \Z`,
/// escapes `\n \t \r \f \v \xhh \uXXXX` and escaped punctuation, `* + ?` and `{m}`, `{m,}`,
/// `{,n}`, `{m,n}` (lazy forms too, which match the same strings), anchors `^ $`, alternation
/// and groups `( )`, `(?: )`.
///
/// NOTE: Backreferences, lookaround, named groups, inline flags and possessive quantifiers are
/// not supported; a pattern using them does not compile, which makes `validate_string` false.
/// Matching runs a Pike VM, so its time is linear in the input, with no catastrophic backtracking.
struct PythonRegex: Sendable {
    let program: [RegexInstruction]
    let ignoreCase: Bool

    /// The maximum program size, so that nested counted repetition (`(a{1000}){1000}`) cannot
    /// exhaust memory. A pattern that needs more does not compile.
    static let maximumProgramSize = 20_000

    /// Compiles a pattern, or returns nil when it is invalid or uses an unsupported feature.
    init?(_ pattern: String, ignoreCase: Bool = false) {
        var parser = RegexParser(Array(pattern.unicodeScalars))
        guard let node = parser.parseAlternation(), parser.isAtEnd, !parser.hasInvalidBounds else { return nil }
        var compiler = RegexCompiler()
        guard compiler.emit(node) else { return nil }
        compiler.program.append(.match)
        guard compiler.program.count <= PythonRegex.maximumProgramSize else { return nil }
        self.program = compiler.program
        self.ignoreCase = ignoreCase
    }
}

/// A parsed pattern.
indirect enum RegexNode {
    case empty
    case scalar(Unicode.Scalar)
    case anyExceptNewline
    case set(ScalarSet)
    case assertion(RegexAssertion)
    case sequence([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, minimum: Int, maximum: Int?)
}

enum RegexAssertion: Sendable {
    case textStart
    case textEnd
    /// `$`: the end of the text, or just before a newline that ends it.
    case endBeforeFinalNewline
    case wordBoundary
    case notWordBoundary
}

/// The shorthand classes `\d`, `\w` and `\s`, with Python 3's Unicode meaning for str patterns.
enum ScalarClass: Sendable {
    case digit
    case word
    case space

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case .digit: return scalar.properties.numericType == .decimal
        case .word: return isWordScalar(scalar)
        case .space: return scalar.properties.isWhitespace
        }
    }
}

func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
}

/// A bracket class: ranges and shorthand classes (each possibly negated), negated as a whole by `^`.
struct ScalarSet: Sendable {
    var ranges: [ClosedRange<Unicode.Scalar>] = []
    var classes: [(ScalarClass, negated: Bool)] = []
    var isNegated = false

    func contains(_ scalar: Unicode.Scalar, ignoreCase: Bool) -> Bool {
        var found = containsExactly(scalar)
        if !found && ignoreCase {
            found = caseVariants(of: scalar).contains { containsExactly($0) }
        }
        return found != isNegated
    }

    private func containsExactly(_ scalar: Unicode.Scalar) -> Bool {
        if ranges.contains(where: { $0.contains(scalar) }) { return true }
        return classes.contains { $0.0.contains(scalar) != $0.negated }
    }
}

/// Returns the simple lower- and upper-case forms of a scalar, where each is a single scalar.
func caseVariants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
    var variants: [Unicode.Scalar] = []
    for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
        let scalars = mapping.unicodeScalars
        if scalars.count == 1, let first = scalars.first, first != scalar { variants.append(first) }
    }
    return variants
}
