/// The checks a statement must pass before it enters a policy: ground facts, head safety and
/// body safety (every variable of a negated literal or a built-in input bound by a positive
/// literal or an earlier built-in's output, in some order of the body), and what the policy's
/// kind permits.
enum SafetyCheck {
    static func check(_ rule: NormalRule, kind: PolicyKind) throws(DatalogError) {
        let location = rule.original.location
        if rule.isFact {
            if rule.head.terms.contains(where: { if case .constant = $0 { return false } else { return true } }) {
                throw .factNotGround(atom: rule.head.text, at: location)
            }
            return
        }
        switch kind {
        case .database, .datasource:
            throw .ruleNotPermitted(rule: rule.text, policyKind: kind.rawValue + " policy", at: location)
        case .action:
            return
        case .nonrecursive, .materialized, .z3:
            break
        }
        try checkAggregate(rule)
        try checkHead(rule)
        try checkBody(rule)
    }

    private static func checkAggregate(_ rule: NormalRule) throws(DatalogError) {
        let aggregates = rule.head.terms.filter { if case .aggregate = $0 { return true } else { return false } }
        if aggregates.count > 1 {
            throw .invalidAggregate(rule: rule.text, reason: "a head may hold one aggregate", at: rule.head.location)
        }
        if !aggregates.isEmpty && rule.head.text.hasPrefix("execute[") {
            throw .invalidAggregate(
                rule: rule.text, reason: "an execute[...] head may not aggregate", at: rule.head.location)
        }
    }

    private static func checkHead(_ rule: NormalRule) throws(DatalogError) {
        let bodyVariables = Set(rule.body.flatMap(\.variables))
        let written = rule.original.head.arguments.count
        for (position, term) in rule.head.terms.enumerated() {
            guard let name = term.variable, !bodyVariables.contains(name) else { continue }
            if position >= written {
                throw .shortHead(
                    literal: rule.original.head.description, given: written, expected: rule.head.terms.count,
                    padding: name, at: rule.head.location)
            }
            throw .unsafeHead(variable: name, rule: rule.text, at: rule.head.location)
        }
    }

    private static func checkBody(_ rule: NormalRule) throws(DatalogError) {
        var bound = Set<String>()
        for literal in rule.body where !literal.negated {
            if case .table = literal.target { bound.formUnion(literal.variables) }
        }
        // Built-ins bind their outputs once their inputs are bound; repeat until nothing changes.
        var pending = rule.body.filter { literal in
            if case .builtin = literal.target { return !literal.negated }
            return false
        }
        var progress = true
        while progress && !pending.isEmpty {
            progress = false
            pending.removeAll { literal in
                guard case .builtin(let name, let arity) = literal.target,
                    let builtin = Builtins.named(name, arity: arity)
                else { return true }
                let inputs = literal.terms.prefix(builtin.inputCount).compactMap(\.variable)
                guard inputs.allSatisfy(bound.contains) else { return false }
                bound.formUnion(literal.variables)
                progress = true
                return true
            }
        }
        if let literal = pending.first, case .builtin(let name, let arity) = literal.target,
            let builtin = Builtins.named(name, arity: arity)
        {
            let unbound = literal.terms.prefix(builtin.inputCount).compactMap(\.variable).filter { !bound.contains($0) }
            throw .unsafeBuiltin(literal: literal.text, variables: unbound, rule: rule.text, at: literal.location)
        }
        for literal in rule.body where literal.negated {
            let unbound = literal.variables.filter { !bound.contains($0) }
            guard !unbound.isEmpty else { continue }
            if case .builtin = literal.target {
                throw .unsafeBuiltin(literal: literal.text, variables: unbound, rule: rule.text, at: literal.location)
            }
            throw .unsafeNegation(literal: literal.text, variables: unbound, rule: rule.text, at: literal.location)
        }
    }
}
