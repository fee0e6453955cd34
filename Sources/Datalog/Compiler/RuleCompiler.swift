/// Turns normal-form rules into the engine's compiled rules: variables numbered, constants
/// interned, tables resolved to relation ids.
struct RuleCompiler {
    let interner: Interner
    /// The relation id of a table, by full name (possibly one the batch will create).
    let relation: (String) -> Int

    func compile(_ rule: NormalRule, id: Int) -> CompiledRule {
        var numbers: [String: Int] = [:]
        var names: [String] = []
        func slot(_ term: NormalTerm) -> Slot {
            switch term {
            case .constant(let value):
                return .constant(interner.intern(value))
            case .wildcard:
                return .wildcard
            case .variable(let name), .aggregate(_, let name):
                if let number = numbers[name] { return .variable(number) }
                numbers[name] = names.count
                names.append(name)
                return .variable(names.count - 1)
            }
        }

        // Body first, so that variables are numbered in join order.
        var body: [CompiledLiteral] = []
        for literal in rule.body {
            let slots = literal.terms.map(slot)
            switch literal.target {
            case .table(let name):
                let id = relation(name)
                body.append(
                    CompiledLiteral(
                        kind: literal.negated ? .negative(relation: id) : .positive(relation: id), slots: slots))
            case .builtin(let name, let arity):
                let builtin = Builtins.named(name, arity: arity)!
                body.append(
                    CompiledLiteral(kind: literal.negated ? .negatedBuiltin(builtin) : .builtin(builtin), slots: slots))
            case .constant(let value):
                body.append(CompiledLiteral(kind: .constant(literal.negated ? !value : value), slots: []))
            }
        }
        let headSlots = rule.head.terms.map(slot)
        var aggregate: CompiledAggregate? = nil
        for (position, term) in rule.head.terms.enumerated() {
            if case .aggregate(let function, let name) = term {
                aggregate = CompiledAggregate(function: function, position: position, variable: numbers[name]!)
            }
        }
        guard case .table(let headName) = rule.head.target else { preconditionFailure("a head is always a table") }
        return CompiledRule(
            id: id, head: relation(headName), headSlots: headSlots, aggregate: aggregate, body: body,
            variableNames: names,
            source: rule.original)
    }
}
