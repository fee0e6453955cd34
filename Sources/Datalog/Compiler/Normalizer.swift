/// The facts about the surrounding policies that normalisation needs.
struct CompileContext {
    /// The policy the statement goes into.
    var policy: String
    var kind: PolicyKind
    var policyKind: (String) -> PolicyKind?
    /// Declared columns of a data-source table, or nil when the table has none.
    var declaredColumns: (_ policy: String, _ table: String) -> [String]?
    /// The known arity of a table, by full name.
    var arity: (String) -> Int?
}

/// Turns a parsed statement into its normal form: column references become positions, short
/// atoms are padded with fresh variables (wildcards inside `not`), each `_` becomes its own
/// variable, and every literal is resolved to a table, a built-in or a constant.
struct Normalizer {
    let context: CompileContext
    private var usedNames: Set<String> = []
    private var statementArity: [String: Int] = [:]
    private var freshCounter = 0

    init(context: CompileContext) {
        self.context = context
    }

    mutating func normalize(_ rule: Rule) throws(DatalogError) -> NormalRule {
        usedNames = []
        statementArity = [:]
        freshCounter = 0
        for literal in rule.heads + rule.body {
            for argument in literal.atom.arguments { if let name = argument.term.variable { usedNames.insert(name) } }
        }
        if rule.heads.count > 1 {
            if rule.heads.contains(where: { $0.atom.modal != nil }) {
                throw .multipleHeadsWithModal(rule: rule.description, at: rule.location)
            }
            throw .multipleHeads(rule: rule.description, at: rule.location)
        }
        let head = try normalizeHead(rule.heads[0], rule: rule)
        var body: [NormalLiteral] = []
        for literal in rule.body { body.append(try normalizeBody(literal)) }
        var text = head.text
        if !body.isEmpty { text += " :- " + body.map(\.text).joined(separator: ", ") }
        return NormalRule(head: head, body: body, original: rule, text: text)
    }

    /// Returns a variable name that does not occur in the statement.
    private mutating func freshName() -> String {
        while true {
            freshCounter += 1
            let name = "_x\(freshCounter)"
            if usedNames.insert(name).inserted { return name }
        }
    }

    private func fullName(service: String?, table: String, sign: UpdateSign?) -> String {
        (service ?? context.policy) + ":" + table + (sign?.rawValue ?? "")
    }

    private mutating func normalizeHead(_ literal: Literal, rule: Rule) throws(DatalogError) -> NormalLiteral {
        let atom = literal.atom
        if let modal = atom.modal, modal != "execute" {
            throw .modalNotPermitted(modal: modal, literal: atom.description, at: atom.location)
        }
        if atom.name.sign != nil && context.kind != .action {
            throw .updateTableNotPermitted(atom: atom.description, at: atom.location)
        }
        if Builtins.isBuiltinName(atom.name.table) && atom.modal == nil && atom.name.service == nil {
            throw .builtinNameConflict(table: atom.name.table, at: atom.location)
        }
        if atom.name.service != nil && atom.modal == nil && context.kind != .action {
            if rule.body.isEmpty {
                throw .factReferencesPolicy(atom: atom.description, service: atom.name.service!, at: atom.location)
            }
            throw .headReferencesPolicy(head: atom.description, rule: rule.description, at: atom.location)
        }
        let name: String
        if atom.modal != nil {
            name = context.policy + ":execute[" + atom.name.description + "]"
        } else if context.kind == .action, let service = atom.name.service {
            name = context.policy + ":" + service + ":" + atom.name.table + (atom.name.sign?.rawValue ?? "")
        } else {
            name = fullName(service: nil, table: atom.name.table, sign: atom.name.sign)
        }
        let declared = context.kind == .datasource ? context.declaredColumns(context.policy, atom.name.table) : nil
        if rule.body.isEmpty, let arity = declared?.count ?? context.arity(name), arity != atom.arguments.count {
            // Name the table in full: the fact may have been written without its policy.
            var full = atom
            full.name.service = context.policy
            throw .arity(literal: full.description, given: atom.arguments.count, expected: arity, at: atom.location)
        }
        let terms = try positionalTerms(atom, table: name, declared: declared, negated: false)
        return NormalLiteral(
            target: .table(name), negated: false, terms: terms, text: text(of: atom, terms), location: atom.location)
    }

    private mutating func normalizeBody(_ literal: Literal) throws(DatalogError) -> NormalLiteral {
        let atom = literal.atom
        if let modal = atom.modal {
            throw .modalInBody(modal: modal, literal: literal.description, at: atom.location)
        }
        let hasReferences = atom.arguments.contains { $0.column != nil }
        let table = atom.name.table
        for argument in atom.arguments {
            if case .aggregate = argument.term {
                throw .invalidAggregate(
                    rule: literal.description, reason: "aggregates are allowed only in a rule head",
                    at: argument.location)
            }
        }

        if atom.name.service == nil, atom.name.sign == nil, atom.arguments.isEmpty, table == "true" || table == "false"
        {
            return NormalLiteral(
                target: .constant(table == "true"), negated: literal.negated, terms: [], text: literal.description,
                location: atom.location)
        }
        if !hasReferences, atom.name.sign == nil, let builtin = Builtins.named(table, arity: atom.arguments.count) {
            var terms: [NormalTerm] = []
            for argument in atom.arguments { terms.append(try term(argument, negated: false)) }
            let text = (literal.negated ? "not " : "") + text(of: atom, terms)
            return NormalLiteral(
                target: .builtin(name: builtin.name, arity: builtin.arity), negated: literal.negated, terms: terms,
                text: text, location: atom.location)
        }
        if atom.name.service == "builtin" {
            throw .unknownBuiltin(name: table, arity: atom.arguments.count, at: atom.location)
        }

        let name = fullName(service: atom.name.service, table: table, sign: atom.name.sign)
        var declared: [String]? = nil
        if hasReferences {
            let service = atom.name.service ?? context.policy
            guard let kind = context.policyKind(service) else {
                throw .unknownSchema(literal: atom.description, policy: service, at: atom.location)
            }
            guard kind == .datasource else {
                throw .columnReferenceNeedsDatasource(literal: atom.description, policy: service, at: atom.location)
            }
            guard let columns = context.declaredColumns(service, table) else {
                throw .unknownTable(literal: atom.description, table: table, policy: service, at: atom.location)
            }
            declared = columns
        } else if let service = atom.name.service, let columns = context.declaredColumns(service, table) {
            declared = columns
        }
        let terms = try positionalTerms(atom, table: name, declared: declared, negated: literal.negated)
        let text = (literal.negated ? "not " : "") + text(of: atom, terms)
        return NormalLiteral(
            target: .table(name), negated: literal.negated, terms: terms, text: text, location: atom.location)
    }

    private mutating func term(_ argument: Argument, negated: Bool) throws(DatalogError) -> NormalTerm {
        switch argument.term {
        case .constant(let value): return .constant(value)
        case .variable("_"): return negated ? .wildcard : .variable(freshName())
        case .variable(let name): return .variable(name)
        case .aggregate(let function, let name): return .aggregate(function, name)
        }
    }

    /// The arguments in column order, with references resolved and short atoms padded.
    private mutating func positionalTerms(_ atom: Atom, table: String, declared: [String]?, negated: Bool)
        throws(DatalogError) -> [NormalTerm]
    {
        // A table new to the engine takes its width from its first literal in this statement.
        let known = declared?.count ?? context.arity(table) ?? statementArity[table]
        defer { if statementArity[table] == nil { statementArity[table] = known ?? atom.arguments.count } }
        var positional: [NormalTerm] = []
        var references: [(column: ColumnReference, term: NormalTerm, location: SourceLocation)] = []
        for argument in atom.arguments {
            let value = try term(argument, negated: negated)
            if let column = argument.column {
                references.append((column, value, argument.location))
            } else {
                if !references.isEmpty {
                    throw .positionalAfterReference(literal: atom.description, at: argument.location)
                }
                positional.append(value)
            }
        }
        guard let arity = known else {
            if !references.isEmpty { throw .unknownSchema(literal: atom.description, policy: table, at: atom.location) }
            return positional
        }
        if positional.count > arity {
            throw .arity(literal: atom.description, given: positional.count, expected: arity, at: atom.location)
        }
        var slots = [NormalTerm?](repeating: nil, count: arity)
        for (i, value) in positional.enumerated() { slots[i] = value }
        for reference in references {
            let index: Int
            switch reference.column {
            case .name(let name):
                guard let found = declared?.firstIndex(of: name) else {
                    throw .unknownColumn(literal: atom.description, column: name, at: reference.location)
                }
                index = found
            case .index(let number):
                guard number < arity else {
                    throw .columnIndexTooLarge(literal: atom.description, index: number, at: reference.location)
                }
                index = number
            }
            if slots[index] != nil {
                let column: String
                switch reference.column {
                case .name(let name): column = name
                case .index(let number): column = String(number)
                }
                throw .duplicateColumn(literal: atom.description, column: column, at: reference.location)
            }
            slots[index] = reference.term
        }
        var result: [NormalTerm] = []
        for slot in slots { result.append(slot ?? (negated ? .wildcard : .variable(freshName()))) }
        return result
    }

    private func text(of atom: Atom, _ terms: [NormalTerm], name: String? = nil) -> String {
        let arguments = terms.map { term -> String in
            switch term {
            case .variable(let name): return name
            case .constant(let value): return value.description
            case .wildcard: return "_"
            case .aggregate(let function, let name): return "\(function.rawValue)(\(name))"
            }
        }
        let inner = (name ?? atom.name.description) + "(" + arguments.joined(separator: ", ") + ")"
        return atom.modal.map { "\($0)[\(inner)]" } ?? inner
    }
}
