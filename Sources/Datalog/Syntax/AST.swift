/// A position in policy text: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// An aggregate function usable in a rule head: `count(v)`, `sum(v)`, `min(v)`, `max(v)`.
public enum AggregateFunction: String, Hashable, Sendable, CaseIterable {
    case count, sum, min, max
}

/// An argument value: a variable, a constant, or (in heads only) an aggregate over a variable.
public enum Term: Hashable, Sendable {
    case variable(String)
    case constant(Value)
    case aggregate(AggregateFunction, String)

    /// The variable name, if this term is a variable.
    public var variable: String? {
        if case .variable(let name) = self { return name }
        return nil
    }
}

extension Term: CustomStringConvertible {
    public var description: String {
        switch self {
        case .variable(let name): return name
        case .constant(let value): return value.description
        case .aggregate(let function, let name): return "\(function.rawValue)(\(name))"
        }
    }
}

/// A column reference on the left of `=` in an argument: a column name or a 0-based number.
public enum ColumnReference: Hashable, Sendable {
    case name(String)
    case index(Int)
}

/// One argument of an atom: a term, optionally bound to a named or numbered column.
public struct Argument: Hashable, Sendable {
    public var column: ColumnReference?
    public var term: Term
    public var location: SourceLocation

    public init(column: ColumnReference? = nil, term: Term, location: SourceLocation) {
        self.column = column
        self.term = term
        self.location = location
    }
}

extension Argument: CustomStringConvertible {
    public var description: String {
        switch column {
        case nil: return term.description
        case .name(let name): return "\(name)=\(term)"
        case .index(let index): return "\(index)=\(term)"
        }
    }
}

/// The `+` or `-` suffix of an update table (`p+(x)`, `nova:p-(1)`).
public enum UpdateSign: String, Hashable, Sendable {
    case insert = "+"
    case delete = "-"
}

/// A table name as written: an optional service (the part before the first `:`), the table,
/// and an optional update sign.
public struct TableName: Hashable, Sendable {
    public var service: String?
    public var table: String
    public var sign: UpdateSign?

    public init(service: String? = nil, table: String, sign: UpdateSign? = nil) {
        self.service = service
        self.table = table
        self.sign = sign
    }
}

extension TableName: CustomStringConvertible {
    public var description: String {
        let base = service.map { "\($0):\(table)" } ?? table
        return base + (sign?.rawValue ?? "")
    }
}

/// An atom: a table applied to arguments, optionally wrapped in a modal (`execute[...]`).
public struct Atom: Hashable, Sendable {
    /// `execute`, `insert` or `delete` when the atom is written `modal[...]`.
    public var modal: String?
    public var name: TableName
    public var arguments: [Argument]
    public var location: SourceLocation

    public init(modal: String? = nil, name: TableName, arguments: [Argument], location: SourceLocation) {
        self.modal = modal
        self.name = name
        self.arguments = arguments
        self.location = location
    }
}

extension Atom: CustomStringConvertible {
    /// The canonical text: `p(1, "a")`, `execute[nova:servers.pause(x)]`, `q()` for no arguments.
    public var description: String {
        let inner = "\(name)(\(arguments.map(\.description).joined(separator: ", ")))"
        return modal.map { "\($0)[\(inner)]" } ?? inner
    }
}

/// A body literal: an atom, possibly negated with `not`, `NOT` or `!`.
public struct Literal: Hashable, Sendable {
    public var atom: Atom
    public var negated: Bool

    public init(atom: Atom, negated: Bool = false) {
        self.atom = atom
        self.negated = negated
    }

    public var location: SourceLocation { atom.location }
}

extension Literal: CustomStringConvertible {
    public var description: String { negated ? "not \(atom)" : atom.description }
}

/// A statement: heads and an optional body. A fact is one head with an empty body.
///
/// The parser accepts several heads (`p(x), q(x) :- r(x)`) because Congress's grammar does;
/// the compiler rejects them.
public struct Rule: Hashable, Sendable {
    public var heads: [Literal]
    public var body: [Literal]
    public var location: SourceLocation
    /// The statement's text exactly as written, without its terminator.
    public var text: String

    public init(heads: [Literal], body: [Literal], location: SourceLocation, text: String = "") {
        self.heads = heads
        self.body = body
        self.location = location
        self.text = text
    }

    /// The single head of a rule; the first head when the parser accepted several.
    public var head: Atom { heads[0].atom }

    public var isFact: Bool { body.isEmpty && heads.count == 1 }

    /// Two rules are the same rule when their canonical text matches, wherever they were written.
    public static func == (lhs: Rule, rhs: Rule) -> Bool { lhs.description == rhs.description }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

extension Rule: CustomStringConvertible {
    /// The canonical text: `p(x) :- q(x), not r(x)`, or just the atom for a fact.
    public var description: String {
        let head = heads.map { $0.atom.description }.joined(separator: ", ")
        if body.isEmpty { return head }
        return head + " :- " + body.map(\.description).joined(separator: ", ")
    }
}
