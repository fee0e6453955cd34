/// Queries: an atom returns the matching rows, a rule returns its instantiated forms.
extension PolicyRuntime {
    /// Answers `text` in `policy`, one canonical formula per answer, sorted.
    ///
    /// An atom (`p(x, 1)`, `nova:servers(id, name)`, `execute[p(x)]`) returns the matching
    /// rows; a rule (`q :- p(x), r(x)`) returns each instance of the rule whose body holds.
    public func query(_ text: String, in policy: String) throws(DatalogError) -> [String] {
        let statements = try Parser.parse(text)
        guard statements.count == 1, let statement = statements.first else {
            throw .invalidQuery(text: text, reason: "write exactly one atom or rule")
        }
        return try query(statement, in: policy)
    }

    func query(_ statement: Rule, in policy: String) throws(DatalogError) -> [String] {
        guard policies[policy] != nil else { throw .unknownPolicy(name: policy) }
        refreshClock()
        if statement.body.isEmpty {
            let (relation, slots) = try resolveQueryAtom(statement.heads[0].atom, in: policy)
            guard let relation else { return [] }
            let atom = statement.heads[0].atom
            return Set(engine.matchingRows(relation, slots).map { format(atom, $0.map(engine.interner.value)) })
                .sorted()
        }
        return try instances(of: statement, in: policy)
    }

    /// Returns the relation a query atom reads (nil when it does not exist yet) and its slots.
    func resolveQueryAtom(_ atom: Atom, in policy: String) throws(DatalogError) -> (Int?, [Slot]) {
        let name: String
        if atom.modal == "execute" {
            name = policy + ":execute[" + atom.name.description + "]"
        } else {
            name = (atom.name.service ?? policy) + ":" + atom.name.table + (atom.name.sign?.rawValue ?? "")
        }
        guard let relation = engine.existingRelation(name) else { return (nil, []) }
        var numbers: [String: Int] = [:]
        var slots: [Slot] = []
        for argument in atom.arguments {
            if argument.column != nil {
                throw .invalidQuery(text: atom.description, reason: "column references are not allowed in a query")
            }
            switch argument.term {
            case .constant(let value):
                slots.append(.constant(engine.interner.intern(value)))
            case .variable("_"):
                slots.append(.wildcard)
            case .variable(let name):
                if numbers[name] == nil { numbers[name] = numbers.count }
                slots.append(.variable(numbers[name]!))
            case .aggregate:
                throw .invalidQuery(text: atom.description, reason: "aggregates are not allowed in a query")
            }
        }
        while slots.count < relation.arity { slots.append(.wildcard) }
        if slots.count > relation.arity {
            throw .arity(literal: atom.description, given: slots.count, expected: relation.arity, at: atom.location)
        }
        return (relation.id, slots)
    }

    /// Instances of a rule-shaped query whose body holds, as rule text.
    private func instances(of statement: Rule, in policy: String) throws(DatalogError) -> [String] {
        let kind = policies[policy]!.kind
        let context = CompileContext(
            policy: policy, kind: kind == .action ? .action : .nonrecursive, policyKind: { self.policies[$0]?.kind },
            declaredColumns: { self.policies[$0]?.schema[$1] }, arity: { self.engine.existingRelation($0)?.arity })
        for argument in statement.heads.flatMap(\.atom.arguments) {
            if case .aggregate = argument.term {
                throw .invalidQuery(
                    text: statement.description, reason: "a query cannot aggregate; put the aggregate in a rule")
            }
        }
        var normalizer = Normalizer(context: context)
        let normal = try normalizer.normalize(statement)
        try SafetyCheck.check(normal, kind: .nonrecursive)
        for literal in normal.body {
            guard case .table(let name) = literal.target, engine.existingRelation(name) == nil else { continue }
            if !literal.negated { return [] }
            _ = engine.relationID(name, arity: literal.terms.count, allowsRecursion: allowsRecursion(name))
        }
        let compiler = RuleCompiler(interner: engine.interner, relation: { self.engine.existingRelation($0)?.id ?? -1 })
        let compiled = compiler.compile(normal, id: -1)
        var answers = Set<String>()
        for solution in engine.bodySolutions(compiled) {
            let values = { (literal: Literal) -> [Value] in
                literal.atom.arguments.map { argument -> Value in
                    switch argument.term {
                    case .constant(let value): return value
                    case .variable(let name), .aggregate(_, let name):
                        guard let number = compiled.variableNames.firstIndex(of: name) else { return .string(name) }
                        return self.engine.interner.value(solution[number])
                    }
                }
            }
            let head = statement.heads.map { format($0.atom, values($0)) }.joined(separator: ", ")
            let body = statement.body.map { ($0.negated ? "not " : "") + format($0.atom, values($0)) }
            answers.insert(head + " :- " + body.joined(separator: ", "))
        }
        return answers.sorted()
    }

    /// Formats an atom as written, with `values` as its arguments: `p(1, "a")`, `execute[p(1)]`.
    func format(_ atom: Atom, _ values: [Value], sign: String = "") -> String {
        let inner = atom.name.description + sign + "(" + values.map(\.description).joined(separator: ", ") + ")"
        return atom.modal.map { "\($0)[\(inner)]" } ?? inner
    }

    /// Returns whether the table's policy permits recursion, by the table's full name.
    func allowsRecursion(_ table: String) -> Bool {
        let policy = table.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return policies[policy]?.kind.allowsRecursion ?? false
    }

    /// Returns whether `values` is stored as a fact of `table` (`policy:table`).
    func isFact(_ table: String, _ values: [Value]) -> Bool {
        guard let relation = engine.existingRelation(table), relation.arity == values.count else { return false }
        let tuple = values.map { engine.interner.intern($0) }
        guard let r = tuple.withUnsafeBufferPointer({ relation.find($0.baseAddress ?? UnsafePointer(bitPattern: 8)!) })
        else { return false }
        return relation.isFact(r)
    }
}
