/// The statements of one atomic change, checked and compiled before anything is applied.
struct Batch {
    private unowned let runtime: PolicyRuntime
    private var engine: Engine { runtime.engine }
    /// Arities of tables the batch mentions that the engine does not know yet.
    private var tentativeArity: [String: Int] = [:]
    private var facts: [(table: String, values: [Value], insert: Bool)] = []
    private var insertedRules: [(policy: String, normal: NormalRule, identity: String)] = []
    private var removedRules: [(policy: String, engineID: Int, identity: String)] = []
    private var firstPolicy: String?

    init(runtime: PolicyRuntime) {
        self.runtime = runtime
    }

    mutating func add(_ change: PolicyChange) throws(DatalogError) {
        guard let state = runtime.policies[change.policy] else { throw .unknownPolicy(name: change.policy) }
        if firstPolicy == nil { firstPolicy = change.policy }
        let policies = runtime.policies
        let engine = self.engine
        let tentative = tentativeArity
        let context = CompileContext(
            policy: change.policy, kind: state.kind, policyKind: { policies[$0]?.kind },
            declaredColumns: { policy, table in policies[policy]?.schema[table] },
            arity: { name in engine.liveRelation(name)?.arity ?? tentative[name] })
        var normalizer = Normalizer(context: context)
        let normal = try normalizer.normalize(change.statement)
        try SafetyCheck.check(normal, kind: state.kind)

        record(normal.head)
        for literal in normal.body { record(literal) }
        if normal.isFact {
            guard case .table(let name) = normal.head.target else { return }
            let values = normal.head.terms.compactMap { term -> Value? in
                if case .constant(let value) = term { return value }
                return nil
            }
            facts.append((name, values, change.insert))
            return
        }

        let identity = PolicyRuntime.identity(of: normal)
        if change.insert {
            let stored = state.rules.contains { $0.identity == identity }
            let queued = insertedRules.contains { $0.policy == change.policy && $0.identity == identity }
            let removed = removedRules.contains { $0.policy == change.policy && $0.identity == identity }
            if (stored && !removed) || queued { return }
            insertedRules.append((change.policy, normal, identity))
        } else {
            if let queued = insertedRules.firstIndex(where: { $0.policy == change.policy && $0.identity == identity }) {
                insertedRules.remove(at: queued)
                return
            }
            if let stored = state.rules.first(where: { $0.identity == identity }),
                !removedRules.contains(where: { $0.policy == change.policy && $0.identity == identity })
            {
                removedRules.append((change.policy, stored.engineID, identity))
            }
        }
    }

    private mutating func record(_ literal: NormalLiteral) {
        guard case .table(let name) = literal.target, engine.liveRelation(name) == nil else { return }
        if tentativeArity[name] == nil { tentativeArity[name] = literal.terms.count }
    }

    /// Checks stratification of the resulting program, then applies everything in one update.
    func commit() throws(DatalogError) -> [TableDelta] {
        // Tables new to the engine get the ids they will have once created, in this order.
        var newTables: [String] = []
        var newIDs: [String: Int] = [:]
        func relationID(_ name: String) -> Int {
            if let existing = engine.liveRelation(name) { return existing.id }
            if let id = newIDs[name] { return id }
            let id = engine.relations.count + newTables.count
            newTables.append(name)
            newIDs[name] = id
            return id
        }
        // Joins read rows without bounds checks, so every literal must match its table's width.
        for inserted in insertedRules {
            for literal in [inserted.normal.head] + inserted.normal.body {
                guard case .table(let name) = literal.target else { continue }
                let width = engine.liveRelation(name)?.arity ?? tentativeArity[name] ?? literal.terms.count
                if width != literal.terms.count {
                    throw .arity(
                        literal: literal.text, given: literal.terms.count, expected: width, at: literal.location)
                }
            }
        }
        let compiler = RuleCompiler(interner: engine.interner, relation: relationID)
        var compiled: [(policy: String, rule: CompiledRule?, normal: NormalRule, identity: String)] = []
        for inserted in insertedRules {
            let kind = runtime.policies[inserted.policy]!.kind
            // Action rules that are safe are evaluated like any other, so that they can be
            // queried. The rest are kept only for `simulate`, as Congress does.
            if kind == .action && (try? SafetyCheck.check(inserted.normal, kind: .nonrecursive)) == nil {
                compiled.append((inserted.policy, nil, inserted.normal, inserted.identity))
            } else {
                compiled.append(
                    (
                        inserted.policy, compiler.compile(inserted.normal, id: engine.newRuleID()), inserted.normal,
                        inserted.identity
                    ))
            }
        }
        for fact in facts { _ = relationID(fact.table) }

        try checkAggregateHeads(compiled.compactMap(\.rule))

        let policies = runtime.policies
        let allowsRecursion = { (name: String) -> Bool in
            let policy = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            return policies[policy]?.kind.allowsRecursion ?? false
        }
        let names = { (id: Int) -> String in
            id < engine.relations.count ? engine.relationName(id) : newTables[id - engine.relations.count]
        }
        let engineRules = compiled.compactMap(\.rule)
        let removedIDs = Set(removedRules.map(\.engineID).filter { $0 != 0 })
        if !engineRules.isEmpty || !removedIDs.isEmpty {
            do {
                _ = try engine.strata(
                    adding: engineRules, removing: removedIDs, allowsRecursion: { allowsRecursion(names($0)) })
            } catch {
                throw cycleError(error, names: names, rules: engineRules)
            }
        }

        // Everything is checked: apply.
        for name in newTables {
            // An unused empty table of another width gives its name to the new one.
            engine.retire(name)
            let arity = tentativeArity[name] ?? 0
            _ = engine.relationID(name, arity: arity, allowsRecursion: allowsRecursion(name))
        }
        runtime.refreshClock()
        engine.begin()
        for fact in facts {
            let id = engine.existingRelation(fact.table)!.id
            let tuple = fact.values.map { engine.interner.intern($0) }
            engine.setFact(id, tuple, present: fact.insert)
        }
        for removed in removedRules {
            if removed.engineID != 0 { engine.removeRule(removed.engineID) }
            runtime.policies[removed.policy]!.rules.removeAll { $0.identity == removed.identity }
        }
        for entry in compiled {
            if let rule = entry.rule { engine.addRule(rule) }
            runtime.policies[entry.policy]!.rules.append(
                StoredRule(
                    engineID: entry.rule?.id ?? 0, rule: entry.normal.original, normal: entry.normal,
                    identity: entry.identity))
        }
        return runtime.deltas(engine.commit())
    }

    /// Checks that a table computed by an aggregate rule has that rule alone.
    private func checkAggregateHeads(_ added: [CompiledRule]) throws(DatalogError) {
        let removed = Set(removedRules.map(\.engineID))
        var rulesByHead: [Int: [CompiledRule]] = [:]
        for rule in engine.allRules where !removed.contains(rule.id) {
            rulesByHead[rule.head, default: []].append(rule)
        }
        for rule in added { rulesByHead[rule.head, default: []].append(rule) }
        var aggregateTables = Set<String>()
        for rule in engine.allRules where rule.aggregate != nil && !removed.contains(rule.id) {
            aggregateTables.insert(engine.relationName(rule.head))
        }
        for inserted in insertedRules {
            let aggregates = inserted.normal.head.terms.contains {
                if case .aggregate = $0 { return true } else { return false }
            }
            if aggregates, case .table(let name) = inserted.normal.head.target { aggregateTables.insert(name) }
        }
        for fact in facts where fact.insert && aggregateTables.contains(fact.table) {
            throw .invalidAggregate(
                rule: fact.table + "(" + fact.values.map(\.description).joined(separator: ", ") + ")",
                reason: "\(fact.table) is computed by an aggregate rule and takes no facts",
                at: SourceLocation(line: 1, column: 1))
        }
        for rule in added {
            let siblings = rulesByHead[rule.head] ?? []
            guard siblings.count > 1, siblings.contains(where: { $0.aggregate != nil }) else { continue }
            let table =
                rule.head < engine.relations.count ? engine.relationName(rule.head) : rule.source.head.name.description
            throw .invalidAggregate(
                rule: rule.source.description,
                reason: "\(table) has an aggregate rule, and a table computed by an aggregate takes no other rule",
                at: rule.source.location)
        }
    }

    private func cycleError(_ error: CycleError, names: (Int) -> String, rules: [CompiledRule]) -> DatalogError {
        let policyPrefix = (firstPolicy ?? "") + ":"
        let display = error.cycle.map { id -> String in
            let name = names(id)
            return name.hasPrefix(policyPrefix) ? String(name.dropFirst(policyPrefix.count)) : name
        }
        let members = Set(error.cycle)
        // The rule that closes the cycle is, for a negative cycle, the one with the negated edge.
        // Otherwise it is one that reads a table of the cycle from a head on it.
        let negatedEdge = error.negatedIndex.map { (from: error.cycle.last!, to: error.cycle[$0]) }
        let closing =
            rules.first { rule in
                guard let negatedEdge else { return false }
                return rule.head == negatedEdge.from
                    && rule.dependencies.contains { $0.relation == negatedEdge.to && $0.negative }
            }
            ?? rules.first { rule in
                members.contains(rule.head) && rule.dependencies.contains { members.contains($0.relation) }
            }
        let location =
            (closing ?? rules.first { members.contains($0.head) })?.source.location
            ?? SourceLocation(line: 1, column: 1)
        if error.negatedIndex != nil {
            let closingStep = error.throughAggregate ? "aggregate over " + display[0] : "not " + display[0]
            return .negativeCycle(cycle: display + [closingStep], at: location)
        }
        return .recursion(cycle: display + [display[0]], at: location)
    }
}

extension PolicyRuntime {
    /// Equal for rules with the same head and the same set of body literals, in any order.
    static func identity(of rule: NormalRule) -> String {
        rule.head.text + " :- " + Set(rule.body.map(\.text)).sorted().joined(separator: ", ")
    }
}
