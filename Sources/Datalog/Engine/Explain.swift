/// Why a row holds: the rule instance that derives it and, below it, the proofs of that
/// instance's body literals, down to facts.
public struct ProofNode: Hashable, Sendable {
    public enum Basis: Hashable, Sendable {
        /// The row was inserted as a fact.
        case fact
        /// The row is derived by this rule (its text as the policy states it).
        case rule(String)
        /// A built-in holds for these arguments.
        case builtin
        /// A negated literal holds because no matching row exists.
        case absence
        /// The literal `true`.
        case truth
    }

    /// The full table name (`policy:table`), or the built-in's name.
    public var table: String
    public var values: [Value]
    public var negated: Bool
    public var basis: Basis
    public var children: [ProofNode]

    public init(table: String, values: [Value], negated: Bool = false, basis: Basis, children: [ProofNode] = []) {
        self.table = table
        self.values = values
        self.negated = negated
        self.basis = basis
        self.children = children
    }
}

extension Engine {
    /// A proof of the row `tuple` of `relation`, or nil when the row is not present.
    ///
    /// The search is depth first and never uses a row to prove itself, so proofs in recursive
    /// strata are well founded. An aggregate row lists the solutions it counts (at most 100).
    func explain(_ relation: Int, _ tuple: [UInt32]) -> ProofNode? {
        let stored = relations[relation]
        guard let r = tuple.withUnsafeBufferPointer({ stored.find($0.baseAddress ?? UnsafePointer(bitPattern: 8)!) }),
            stored.isPresent(r)
        else { return nil }
        var search = ProofSearch()
        return prove(relation, r, &search)
    }

    private func prove(_ relation: Int, _ r: Int32, _ search: inout ProofSearch) -> ProofNode? {
        let stored = relations[relation]
        guard stored.isPresent(r) else { return nil }
        let values = stored.values(of: r).map { interner.value($0) }
        if stored.isFact(r) { return ProofNode(table: stored.name, values: values, basis: .fact) }
        let key = Int64(relation) << 32 | Int64(r)
        if search.onPath.contains(key) || search.onPath.count > 10_000 {
            search.cut = true
            return nil
        }
        if search.failed.contains(key) { return nil }
        search.onPath.insert(key)
        defer { search.onPath.remove(key) }
        let cutBefore = search.cut
        search.cut = false

        for id in rulesByHead[relation] {
            let rule = rules[id]!
            if rule.aggregate != nil {
                // An aggregate row rests on every solution of its group.
                var children: [ProofNode] = []
                for solution in solutions(of: rule, forHead: stored.row(r)) {
                    children.append(contentsOf: proveBody(rule, solution, &search) ?? [])
                }
                if !children.isEmpty {
                    search.cut = search.cut || cutBefore
                    return ProofNode(
                        table: stored.name, values: values, basis: .rule(rule.source.description), children: children)
                }
                continue
            }
            for solution in solutions(of: rule, forHead: stored.row(r)) {
                if let children = proveBody(rule, solution, &search) {
                    search.cut = search.cut || cutBefore
                    return ProofNode(
                        table: stored.name, values: values, basis: .rule(rule.source.description), children: children)
                }
            }
        }
        if !search.cut { search.failed.insert(key) }
        search.cut = search.cut || cutBefore
        return nil
    }

    /// Full bindings of the rule's body for a head row (for an aggregate rule, every solution of
    /// the row's group).
    private func solutions(of rule: CompiledRule, forHead row: UnsafePointer<UInt32>) -> [[UInt32]] {
        var bindings = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
        var set = [Bool](repeating: false, count: rule.variableCount)
        var slots = rule.headSlots
        if let aggregate = rule.aggregate { slots[aggregate.position] = .wildcard }
        let matched = bindings.withUnsafeMutableBufferPointer { unify(slots, row, $0.baseAddress!, &set) }
        guard matched else { return [] }
        let plan = self.plan(rule, Plan.headBound)
        var result: [[UInt32]] = []
        let limit = rule.aggregate == nil ? 64 : 100
        bindings.withUnsafeBufferPointer { initial in
            join.run(rule, plan, view: .new, bindings: initial.baseAddress!) { full in
                result.append(Array(UnsafeBufferPointer(start: full, count: rule.variableCount)))
                return result.count < limit
            }
        }
        return result
    }

    private func proveBody(_ rule: CompiledRule, _ solution: [UInt32], _ search: inout ProofSearch) -> [ProofNode]? {
        var children: [ProofNode] = []
        for literal in rule.body {
            let ids = literal.slots.map { slot -> UInt32? in
                switch slot {
                case .constant(let id): return id
                case .variable(let v): return solution[v]
                case .wildcard: return nil
                }
            }
            switch literal.kind {
            case .positive(let relation):
                let tuple = ids.map { $0 ?? 0 }
                let stored = relations[relation]
                guard
                    let r = tuple.withUnsafeBufferPointer({
                        stored.find($0.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                    }),
                    let child = prove(relation, r, &search)
                else { return nil }
                children.append(child)
            case .negative(let relation):
                let values = ids.map { $0.map { interner.value($0) } ?? .string("_") }
                children.append(
                    ProofNode(table: relations[relation].name, values: values, negated: true, basis: .absence))
            case .builtin(let builtin), .negatedBuiltin(let builtin):
                let values = ids.map { $0.map { interner.value($0) } ?? .string("_") }
                children.append(
                    ProofNode(
                        table: "builtin:" + builtin.name, values: values, negated: literal.isNegatedBuiltin,
                        basis: .builtin))
            case .constant:
                children.append(ProofNode(table: "true", values: [], basis: .truth))
            }
        }
        return children
    }
}

private struct ProofSearch {
    var onPath = Set<Int64>()
    var failed = Set<Int64>()
    /// Set when a proof attempt failed only because it met a row already on the path.
    var cut = false
}

extension Engine {
    /// The present rows of `relation` that match `slots` (constants, repeated variables).
    func matchingRows(_ relation: Int, _ slots: [Slot]) -> [[UInt32]] {
        let stored = relations[relation]
        var result: [[UInt32]] = []
        var variables = 0
        for case .variable(let v) in slots { variables = max(variables, v + 1) }
        var bindings = [UInt32](repeating: 0, count: max(variables, 1))
        var set = [Bool](repeating: false, count: variables)
        for r in 0..<Int32(stored.rowCount) where stored.isPresent(r) {
            for i in set.indices { set[i] = false }
            let matched = bindings.withUnsafeMutableBufferPointer { unify(slots, stored.row(r), $0.baseAddress!, &set) }
            if matched { result.append(stored.values(of: r)) }
        }
        return result
    }

    /// Every full binding of a rule's body over the current state (the rule need not be
    /// installed).
    func bodySolutions(_ rule: CompiledRule) -> [[UInt32]] {
        let plan = Plan(rule: rule, start: Plan.fullBody, networkIndexable: { _, _ in true }, size: tableSize)
        var result: [[UInt32]] = []
        let none = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
        none.withUnsafeBufferPointer { initial in
            join.run(rule, plan, view: .new, bindings: initial.baseAddress!) { full in
                result.append(Array(UnsafeBufferPointer(start: full, count: rule.variableCount)))
                return true
            }
        }
        return result
    }
}
