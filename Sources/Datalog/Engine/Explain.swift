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
        /// A negated literal is true because no matching row exists.
        case absence
        /// The literal `true`.
        case truth
        /// The proof goes deeper than a tree shows; explain this row on its own to continue.
        case truncated
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
    /// Proofs in a recursive stratum are well founded: each row of the stratum gets a rank, the
    /// round of semi-naive evaluation that first derives it (facts have rank 0), and a row is
    /// proved only from rows of lower rank. Ranks are computed from the stored rows, up to the
    /// rank of the rows the proof needs, at a cost of at most one evaluation of the stratum.
    /// An aggregate row lists the solutions it counts (at most 100). Below 1,000 levels the
    /// tree stops with a `truncated` node, which can be explained on its own.
    func explain(_ relation: Int, _ tuple: [UInt32]) -> ProofNode? {
        explain(relation, [tuple])[0]
    }

    /// Proofs of several rows of one relation, sharing the ranks computed on the way.
    func explain(_ relation: Int, _ tuples: [[UInt32]]) -> [ProofNode?] {
        let stored = relations[relation]
        let builder = ProofBuilder(engine: self)
        return tuples.map { tuple in
            guard
                let r = tuple.withUnsafeBufferPointer({ stored.find($0.baseAddress ?? UnsafePointer(bitPattern: 8)!) }),
                stored.isPresent(r)
            else { return nil }
            return builder.prove(relation, r, depth: 0)
        }
    }
}

/// Builds proof trees, computing the ranks of recursive strata as it needs them.
final class ProofBuilder {
    private unowned let engine: Engine
    /// Rank of each row of the recursive strata met so far, by `relation << 32 | row`.
    private var ranks: [Int64: Int] = [:]
    /// Per recursive stratum: the rows ranked in the last round, and that round's number.
    private var progress: [Int: (frontier: [(relation: Int, row: Int32)], round: Int)] = [:]
    static let maximumDepth = 1000

    init(engine: Engine) {
        self.engine = engine
    }

    private static func key(_ relation: Int, _ r: Int32) -> Int64 { Int64(relation) << 32 | Int64(r) }

    func prove(_ relation: Int, _ r: Int32, depth: Int) -> ProofNode? {
        let stored = engine.relations[relation]
        guard stored.isPresent(r) else { return nil }
        let values = stored.values(of: r).map { engine.interner.value($0) }
        if stored.isFact(r) { return ProofNode(table: stored.name, values: values, basis: .fact) }
        if depth >= ProofBuilder.maximumDepth {
            return ProofNode(table: stored.name, values: values, basis: .truncated)
        }
        let s = engine.relationStratum[relation]
        guard s >= 0 else { return nil }
        let stratum = engine.strata[s]

        var below: ((Int, Int32) -> Bool)? = nil
        if stratum.recursive {
            guard let rank = rank(of: relation, r, stratum: s) else { return nil }
            let members = Set(stratum.relations)
            below = { [unowned self] relation, row in
                guard members.contains(relation) else { return true }
                guard let other = self.ranks[ProofBuilder.key(relation, row)] else { return false }
                return other < rank
            }
        }
        for id in engine.rulesByHead[relation] {
            let rule = engine.rules[id]!
            let found = solutions(of: rule, forHead: stored.row(r), filter: below)
            if rule.aggregate != nil {
                // An aggregate row rests on every solution of its group.
                let children = found.flatMap { proveBody(rule, $0, depth: depth) ?? [] }
                if !children.isEmpty {
                    return ProofNode(
                        table: stored.name, values: values, basis: .rule(rule.source.description), children: children)
                }
                continue
            }
            for solution in found {
                if let children = proveBody(rule, solution, depth: depth) {
                    return ProofNode(
                        table: stored.name, values: values, basis: .rule(rule.source.description), children: children)
                }
            }
        }
        return nil
    }

    /// Returns the rank of a row of recursive stratum `s`, running more rounds of the stratum's
    /// evaluation over ranked rows until the row is ranked.
    private func rank(of relation: Int, _ r: Int32, stratum s: Int) -> Int? {
        let target = ProofBuilder.key(relation, r)
        let stratum = engine.strata[s]
        let rules = engine.stratumRules[s]
        let members = Set(stratum.relations)
        if progress[s] == nil {
            var facts: [(relation: Int, row: Int32)] = []
            for member in stratum.relations {
                let stored = engine.relations[member]
                for row in 0..<Int32(stored.rowCount) where stored.isFact(row) {
                    ranks[ProofBuilder.key(member, row)] = 0
                    facts.append((member, row))
                }
            }
            // Round 1: every rule over the facts and the strata below.
            var found: [(relation: Int, row: Int32)] = []
            for rule in rules {
                collect(rule, start: Plan.fullBody, bindings: nil, members: members, into: &found)
            }
            progress[s] = (assign(found, round: 1), 1)
        }
        while ranks[target] == nil {
            guard let (frontier, round) = progress[s], !frontier.isEmpty else { return nil }
            var found: [(relation: Int, row: Int32)] = []
            let occurrences = Occurrences(rules: rules, engine: engine)
            for (member, row) in frontier {
                occurrences.forEach(of: member, row: engine.relations[member].row(row)) { rule, plan, bindings in
                    collect(rule, plan: plan, bindings: bindings, members: members, into: &found)
                }
            }
            progress[s] = (assign(found, round: round + 1), round + 1)
        }
        return ranks[target]
    }

    /// Ranks the rows a round found, after the round, so that no row of a round is used to
    /// derive another row of the same round. Returns the newly ranked rows.
    private func assign(_ found: [(relation: Int, row: Int32)], round: Int) -> [(relation: Int, row: Int32)] {
        var fresh: [(relation: Int, row: Int32)] = []
        for (relation, row) in found where ranks[ProofBuilder.key(relation, row)] == nil {
            ranks[ProofBuilder.key(relation, row)] = round
            fresh.append((relation, row))
        }
        return fresh
    }

    private func collect(
        _ rule: CompiledRule, start: Int, bindings: UnsafePointer<UInt32>?, members: Set<Int>,
        into fresh: inout [(relation: Int, row: Int32)]
    ) {
        let none = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
        none.withUnsafeBufferPointer { initial in
            collect(
                rule, plan: engine.plan(rule, start), bindings: bindings ?? initial.baseAddress!, members: members,
                into: &fresh)
        }
    }

    /// Adds the heads that `rule` derives from ranked rows of the stratum to `fresh`.
    private func collect(
        _ rule: CompiledRule, plan: Plan, bindings: UnsafePointer<UInt32>, members: Set<Int>,
        into fresh: inout [(relation: Int, row: Int32)]
    ) {
        let head = engine.relations[rule.head]
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: max(head.arity, 1))
        defer { scratch.deallocate() }
        var found: [Int32] = []
        let join = engine.join
        let previous = join.rowFilter
        join.rowFilter = { [unowned self] relation, row in
            !members.contains(relation) || self.ranks[ProofBuilder.key(relation, row)] != nil
        }
        join.run(rule, plan, view: .new, bindings: bindings) { full in
            engine.headTuple(rule, full, into: scratch)
            if let row = head.find(scratch), head.isPresent(row) { found.append(row) }
            return true
        }
        join.rowFilter = previous
        for row in found where ranks[ProofBuilder.key(rule.head, row)] == nil { fresh.append((rule.head, row)) }
    }

    /// Full bindings of the rule's body for a head row (for an aggregate rule, every solution of
    /// the row's group), reading only rows that pass `filter`.
    private func solutions(of rule: CompiledRule, forHead row: UnsafePointer<UInt32>, filter: ((Int, Int32) -> Bool)?)
        -> [[UInt32]]
    {
        var bindings = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
        var set = [Bool](repeating: false, count: rule.variableCount)
        var slots = rule.headSlots
        if let aggregate = rule.aggregate { slots[aggregate.position] = .wildcard }
        let matched = bindings.withUnsafeMutableBufferPointer { engine.unify(slots, row, $0.baseAddress!, &set) }
        guard matched else { return [] }
        let plan = engine.plan(rule, Plan.headBound)
        var result: [[UInt32]] = []
        let limit = rule.aggregate == nil ? 1 : 100
        let join = engine.join
        let previous = join.rowFilter
        join.rowFilter = filter
        bindings.withUnsafeBufferPointer { initial in
            join.run(rule, plan, view: .new, bindings: initial.baseAddress!) { full in
                result.append(Array(UnsafeBufferPointer(start: full, count: rule.variableCount)))
                return result.count < limit
            }
        }
        join.rowFilter = previous
        return result
    }

    private func proveBody(_ rule: CompiledRule, _ solution: [UInt32], depth: Int) -> [ProofNode]? {
        var children: [ProofNode] = []
        let interner = engine.interner
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
                let stored = engine.relations[relation]
                guard
                    let r = tuple.withUnsafeBufferPointer({
                        stored.find($0.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                    }),
                    let child = prove(relation, r, depth: depth + 1)
                else { return nil }
                children.append(child)
            case .negative(let relation):
                let values = ids.map { $0.map { interner.value($0) } ?? .string("_") }
                children.append(
                    ProofNode(table: engine.relations[relation].name, values: values, negated: true, basis: .absence))
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

extension Engine {
    /// Returns the present rows of `relation` that match `slots` (constants, repeated variables).
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

    /// Returns every full binding of a rule's body over the current state (the rule need not be
    /// installed).
    func bodySolutions(_ rule: CompiledRule) -> [[UInt32]] {
        let plan = Plan(rule: rule, start: Plan.fullBody, size: tableSize)
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
