/// The parser of policy text in Congress's Datalog dialect, with a few extensions: negative
/// numbers, decoded string escapes, aggregates in arguments and a line comment at the end of input.
public enum Parser {
    /// Parses policy text into statements, in source order.
    ///
    /// Runs in time linear in the text, on its UTF-8 bytes. Several heads, modals anywhere and
    /// aggregates anywhere are accepted here and left to the compiler to reject.
    public static func parse(_ text: String) throws(DatalogError) -> [Rule] {
        let parsed = text.utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(DatalogError) in
                var parser = try StatementParser(bytes: bytes)
                return try parser.parseStatements()
            }
        }
        if let parsed { return try parsed.get() }

        let copy = ContiguousArray(text.utf8)
        return try copy.withUnsafeBufferPointer { bytes throws(DatalogError) in
            var parser = try StatementParser(bytes: bytes)
            return try parser.parseStatements()
        }
    }
}

/// A recursive-descent parser with two tokens of lookahead.
struct StatementParser {
    private var lexer: Lexer
    private var current: Token
    private var following: Token?
    /// The end offset of the last token consumed, which ends a statement's text.
    private var previousEnd = 0

    init(bytes: UnsafeBufferPointer<UInt8>) throws(DatalogError) {
        lexer = Lexer(bytes: bytes)
        current = try lexer.next()
    }

    mutating func parseStatements() throws(DatalogError) -> [Rule] {
        var rules: [Rule] = []
        while current.kind != .end {
            rules.append(try parseStatement())
        }
        return rules
    }

    /// Parses `heads :- body` or a single atom, then an optional `;` or `.` terminator.
    private mutating func parseStatement() throws(DatalogError) -> Rule {
        let start = current.start
        let location = current.location

        var heads = [try parseLiteral(expected: "a statement")]
        while current.kind == .comma {
            try advance()
            heads.append(try parseLiteral(expected: "an atom after ','"))
        }

        var body: [Literal] = []
        if current.kind == .turnstile {
            try advance()
            body.append(try parseLiteral(expected: "a literal after ':-'"))
            while current.kind == .comma {
                try advance()
                body.append(try parseLiteral(expected: "a literal after ','"))
            }
        } else if heads.count > 1 {
            throw unexpected(current, expected: "':-' after several heads, because a fact is a single atom")
        }

        if let negated = heads.first(where: \.negated) {
            throw DatalogError.parse(
                message: "negated head \(negated); negation is allowed only in a rule body", at: negated.location)
        }

        let end = previousEnd
        if current.kind == .semicolon || current.kind == .dot {
            try advance()
        }
        return Rule(heads: heads, body: body, location: location, text: lexer.text(start, end))
    }

    /// Parses an atom, optionally preceded by `not`, `NOT` or `!`.
    private mutating func parseLiteral(expected: String) throws(DatalogError) -> Literal {
        if current.kind == .bang {
            try advance()
            return Literal(atom: try parseAtom(expected: "an atom after '!'", allowModal: true), negated: true)
        }
        if current.kind == .identifier && isNegationKeyword(current), try peek().kind == .identifier {
            try advance()
            return Literal(atom: try parseAtom(expected: "an atom after 'not'", allowModal: true), negated: true)
        }
        return Literal(atom: try parseAtom(expected: expected, allowModal: true))
    }

    /// Parses `modal[atom]` or `service:table±(arguments)`, where every part but the table is optional.
    private mutating func parseAtom(expected: String, allowModal: Bool) throws(DatalogError) -> Atom {
        guard current.kind == .identifier else { throw unexpected(current, expected: expected) }
        let nameToken = current
        if try peek().kind == .leftBracket {
            return try parseModal(allowed: allowModal)
        }

        let first = lexer.text(nameToken.start, nameToken.end)
        try advance()
        var name = TableName(table: first)
        if current.kind == .colon {
            var parts: [String] = []
            while current.kind == .colon {
                try advance()
                guard current.kind == .identifier else {
                    throw unexpected(current, expected: "a table name after ':'")
                }
                parts.append(lexer.text(current.start, current.end))
                try advance()
            }
            name = TableName(service: first, table: parts.joined(separator: ":"))
        }

        if current.start == previousEnd && (current.kind == .plus || current.kind == .minus) {
            name.sign = current.kind == .plus ? .insert : .delete
            try advance()
        }

        var arguments: [Argument] = []
        if current.kind == .leftParen {
            arguments = try parseArguments()
        }
        return Atom(name: name, arguments: arguments, location: nameToken.location)
    }

    /// Parses `execute[atom]`, `insert[atom]` or `delete[atom]`, and rejects the event form
    /// `insert[rule; "policy"]`.
    private mutating func parseModal(allowed: Bool) throws(DatalogError) -> Atom {
        let modalToken = current
        let modal = lexer.text(modalToken.start, modalToken.end)
        guard allowed else {
            throw DatalogError.parse(
                message: "modal \(modal)[...] cannot be nested in another", at: modalToken.location)
        }
        guard modal == "execute" || modal == "insert" || modal == "delete" else {
            throw DatalogError.parse(
                message: "unknown modal '\(modal)'; expected execute, insert or delete before '['",
                at: modalToken.location)
        }
        try advance()
        try advance()

        var atom = try parseAtom(expected: "an atom inside '\(modal)['", allowModal: false)
        if current.kind == .rightBracket {
            try advance()
            atom.modal = modal
            atom.location = modalToken.location
            return atom
        }

        let eventTokens: [TokenKind] = [.turnstile, .comma, .semicolon, .dot]
        if modal != "execute" && eventTokens.contains(current.kind) {
            throw DatalogError.parse(
                message: "event statements such as \(modal)[rule; \"policy\"] are not supported; "
                    + "insert or delete the rule through the API instead",
                at: modalToken.location)
        }
        throw unexpected(current, expected: "']' to close '\(modal)[' opened at \(modalToken.location)")
    }

    /// Parses `(argument, ...)`, with the current token at `(`.
    private mutating func parseArguments() throws(DatalogError) -> [Argument] {
        let open = current
        try advance()
        var arguments: [Argument] = []
        arguments.reserveCapacity(4)
        if current.kind == .rightParen {
            try advance()
            return arguments
        }

        while true {
            arguments.append(try parseArgument())
            switch current.kind {
            case .comma:
                try advance()
            case .rightParen:
                try advance()
                return arguments
            case .end:
                throw unexpected(current, expected: "')' to close the argument list opened at \(open.location)")
            default:
                throw unexpected(current, expected: "',' or ')' to close the argument list opened at \(open.location)")
            }
        }
    }

    /// Parses a term, or a column reference `name=term` or `N=term` (N counting from 0).
    private mutating func parseArgument() throws(DatalogError) -> Argument {
        let location = current.location
        guard try peek().kind == .equals else {
            return Argument(term: try parseTerm(), location: location)
        }

        let column: ColumnReference
        switch current.kind {
        case .identifier:
            column = .name(lexer.text(current.start, current.end))
        case .integer:
            guard case .int(let index) = current.value, index >= 0, let position = Int(exactly: index) else {
                throw DatalogError.parse(
                    message:
                        "column number \(lexer.text(current.start, current.end)) is negative; columns count from 0",
                    at: location)
            }
            column = .index(position)
        default:
            throw unexpected(current, expected: "a column name or number before '='")
        }
        try advance()
        try advance()
        return Argument(column: column, term: try parseTerm(), location: location)
    }

    /// Parses a number, a string, a variable or an aggregate such as `count(x)`.
    private mutating func parseTerm() throws(DatalogError) -> Term {
        switch current.kind {
        case .integer, .float, .string:
            let value = current.value!
            try advance()
            return .constant(value)
        case .identifier:
            let name = lexer.text(current.start, current.end)
            let nameToken = current
            try advance()
            guard current.kind == .leftParen else { return .variable(name) }
            guard let function = AggregateFunction(rawValue: name) else {
                throw DatalogError.parse(
                    message: "unexpected '(' after variable '\(name)'; only the aggregates count, sum, min and max "
                        + "take an argument",
                    at: current.location)
            }
            try advance()
            guard current.kind == .identifier else {
                throw unexpected(current, expected: "a variable inside \(name)(")
            }
            let variable = lexer.text(current.start, current.end)
            try advance()
            guard current.kind == .rightParen else {
                throw unexpected(current, expected: "')' to close \(name)( opened at \(nameToken.location)")
            }
            try advance()
            return .aggregate(function, variable)
        default:
            throw unexpected(current, expected: "a term")
        }
    }

    private func isNegationKeyword(_ token: Token) -> Bool {
        let length = token.end - token.start
        guard length == 3 else { return false }
        let text = lexer.text(token.start, token.end)
        return text == "not" || text == "NOT"
    }

    private mutating func advance() throws(DatalogError) {
        previousEnd = current.end
        if let following {
            current = following
            self.following = nil
        } else {
            current = try lexer.next()
        }
    }

    private mutating func peek() throws(DatalogError) -> Token {
        if let following { return following }
        let token = try lexer.next()
        following = token
        return token
    }

    private func unexpected(_ token: Token, expected: String) -> DatalogError {
        .parse(message: "unexpected \(describe(token)); expected \(expected)", at: token.location)
    }

    /// Names a token for an error message: its text in quotes, or `end of input`.
    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .end:
            return "end of input"
        case .string:
            let text = lexer.text(token.start, token.end)
            return "string " + (text.count > 40 ? String(text.prefix(37)) + "..." : text)
        default:
            return "'\(lexer.text(token.start, token.end))'"
        }
    }
}
