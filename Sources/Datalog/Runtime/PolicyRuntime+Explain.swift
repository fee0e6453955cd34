/// Explanations: the proof tree of each answer to a query.
extension PolicyRuntime {
    /// Each answer to the atom `text` in `policy`, with the proof of why the row is present.
    public func explain(_ text: String, in policy: String) throws(DatalogError) -> [(answer: String, proof: ProofNode)]
    {
        let statements = try Parser.parse(text)
        guard statements.count == 1, let statement = statements.first, statement.body.isEmpty else {
            throw .invalidQuery(text: text, reason: "explain takes one atom, such as error(x)")
        }
        guard policies[policy] != nil else { throw .unknownPolicy(name: policy) }
        let atom = statement.head
        let (relation, slots) = try resolveQueryAtom(atom, in: policy)
        guard let relation else { return [] }
        var result: [(answer: String, proof: ProofNode)] = []
        let tuples = engine.matchingRows(relation, slots)
        for (tuple, proof) in zip(tuples, engine.explain(relation, tuples)) {
            guard let proof else { continue }
            result.append((format(atom, tuple.map(engine.interner.value)), proof))
        }
        return result.sorted { $0.answer < $1.answer }
    }
}

extension ProofNode {
    /// Renders the tree as indented text, one literal a line, with tables of `policy` written without
    /// the policy name.
    public func rendered(relativeTo policy: String, indent: String = "") -> String {
        var name = table
        if name.hasPrefix(policy + ":") { name = String(name.dropFirst(policy.count + 1)) }
        if let bracket = name.firstIndex(of: "["), name.hasPrefix("execute[") == false, name.contains(":execute[") {
            name = String(name[bracket...])
        }
        var atom = name + "(" + values.map(\.description).joined(separator: ", ") + ")"
        if name.hasPrefix("execute[") {
            atom = String(name.dropLast()) + "(" + values.map(\.description).joined(separator: ", ") + ")]"
        }
        if negated { atom = "not " + atom }
        let basis: String
        switch self.basis {
        case .fact: basis = "fact"
        case .rule(let text): basis = "rule " + text
        case .builtin: basis = "built-in"
        case .absence: basis = "no such row"
        case .truth: basis = "true"
        case .truncated: basis = "proof continues; explain this row to see the rest"
        }
        var lines = [indent + atom + "    [" + basis + "]"]
        for child in children { lines.append(child.rendered(relativeTo: policy, indent: indent + "  ")) }
        return lines.joined(separator: "\n")
    }
}
