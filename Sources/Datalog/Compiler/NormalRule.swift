/// A term after normalisation: `_` and unnamed columns are resolved, aggregates marked.
enum NormalTerm: Hashable {
    case variable(String)
    case constant(Value)
    /// Matches anything and binds nothing (only inside negated literals).
    case wildcard
    case aggregate(AggregateFunction, String)

    var variable: String? {
        switch self {
        case .variable(let name), .aggregate(_, let name): return name
        case .constant, .wildcard: return nil
        }
    }
}

/// A literal after column references became positions and short atoms were padded.
struct NormalLiteral {
    enum Target: Equatable {
        /// A stored table, by full name (`policy:table`).
        case table(String)
        case builtin(name: String, arity: Int)
        case constant(Bool)
    }

    var target: Target
    var negated: Bool
    var terms: [NormalTerm]
    /// The literal as it now reads, for messages and rule text.
    var text: String
    var location: SourceLocation

    var variables: [String] { terms.compactMap(\.variable) }
}

/// A statement of a policy after normalisation, before it is given to the engine.
struct NormalRule {
    /// The head; its target is always a table.
    var head: NormalLiteral
    var body: [NormalLiteral]
    /// The statement as written.
    var original: Rule
    /// The statement as it now reads, after padding and column references.
    var text: String

    var isFact: Bool { body.isEmpty }
}
