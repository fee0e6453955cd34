/// `simulate`: the answers a query would have after a sequence of updates and actions, with
/// everything rolled back afterwards.
extension PolicyRuntime {
    private static let scratchPolicy = "_simulate"

    /// Runs `sequence` against `policy` and returns the answers to `query` afterwards (or, with
    /// `delta`, the answers that appear as `table+(...)` and vanish as `table-(...)`).
    ///
    /// A sequence holds, in order: state updates (`p+(1)`, `nova:p-(2)`), rule updates
    /// (`p+(x) :- q(x)` inserts `p(x) :- q(x)`), and action calls: atoms of tables that
    /// `action("name")` facts of `actionPolicy` declare, whose effects the action policy's
    /// update rules describe. When an action both inserts and deletes a row, the insert wins.
    public func simulate(query: String, policy: String, sequence: String, actionPolicy: String, delta: Bool)
        throws(DatalogError) -> [String]
    {
        guard policies[policy] != nil else { throw .unknownPolicy(name: policy) }
        guard let actions = policies[actionPolicy] else { throw .unknownPolicy(name: actionPolicy) }
        let queryStatements = try Parser.parse(query)
        guard queryStatements.count == 1 else {
            throw .invalidQuery(text: query, reason: "write exactly one atom or rule")
        }
        let steps = try Parser.parse(sequence)
        let declared = Set(rows(of: actionPolicy + ":action").compactMap { $0.first?.string })

        let before = delta ? try self.query(queryStatements[0], in: policy) : []
        var undo: [PolicyChange] = []
        defer {
            for change in undo.reversed() { _ = try? apply([change]) }
            if policies[PolicyRuntime.scratchPolicy] != nil { _ = try? deletePolicy(PolicyRuntime.scratchPolicy) }
        }
        try installActionRules(actions, target: policy, declared: declared)

        for step in steps {
            try perform(step, target: policy, declared: declared, undo: &undo)
        }
        let after = try self.query(queryStatements[0], in: policy)
        guard delta else { return after }
        let atom = queryStatements[0].heads[0].atom
        return try deltaAnswers(before: before, after: after, atom: atom)
    }

    /// Puts the action policy's update rules into a scratch policy, reading action atoms from
    /// the scratch policy and every other unqualified table from the target policy.
    private func installActionRules(_ actions: PolicyState, target: String, declared: Set<String>) throws(DatalogError)
    {
        policies[PolicyRuntime.scratchPolicy] = PolicyState(
            name: PolicyRuntime.scratchPolicy, kind: .nonrecursive, schema: [:])
        var changes: [PolicyChange] = []
        for stored in actions.rules {
            let rule = stored.rule
            guard let sign = rule.head.name.sign else { continue }
            var head = rule.head
            head.name = TableName(
                table: PolicyRuntime.updateTable(
                    service: rule.head.name.service ?? target, table: rule.head.name.table, sign: sign))
            var body: [Literal] = []
            for var literal in rule.body {
                if literal.atom.name.service == nil, !Builtins.isBuiltinName(literal.atom.name.table),
                    literal.atom.name.table != "true", literal.atom.name.table != "false"
                {
                    literal.atom.name.service =
                        declared.contains(literal.atom.name.table) ? PolicyRuntime.scratchPolicy : target
                }
                body.append(literal)
            }
            let rewritten = Rule(heads: [Literal(atom: head)], body: body, location: rule.location, text: rule.text)
            changes.append(PolicyChange(policy: PolicyRuntime.scratchPolicy, statement: rewritten, insert: true))
        }
        try apply(changes)
    }

    /// Names the scratch table that collects one update table's rows: `service:table+` flattened.
    /// `|` appears in no policy or table name, so the parts split back unambiguously.
    private static func updateTable(service: String, table: String, sign: UpdateSign) -> String {
        "update|" + (sign == .insert ? "insert" : "delete") + "|" + service + "|" + table
    }

    private func perform(_ step: Rule, target: String, declared: Set<String>, undo: inout [PolicyChange])
        throws(DatalogError)
    {
        let head = step.heads[0].atom
        if step.heads.count == 1, let sign = head.name.sign {
            // A state or rule update.
            var plain = step
            plain.heads[0].atom.name.sign = nil
            plain.heads[0].atom.name.service = nil
            let policy = head.name.service ?? target
            try applyRecordingUndo(PolicyChange(policy: policy, statement: plain, insert: sign == .insert), &undo)
            return
        }
        guard step.heads.allSatisfy({ declared.contains($0.atom.name.table) && $0.atom.name.service == nil }) else {
            throw .invalidSequence(formula: step.description, reason: "non-action, non-update", at: step.location)
        }

        // An action call: the action atoms, from the step itself or from its body's first answer.
        var atoms: [Atom] = step.heads.map(\.atom)
        if !step.body.isEmpty {
            let bodyQuery = Rule(
                heads: [Literal(atom: Atom(name: TableName(table: "_step"), arguments: [], location: step.location))],
                body: step.body, location: step.location)
            let variables = Set(step.heads.flatMap { $0.atom.arguments.compactMap(\.term.variable) })
            var binding: [String: Value] = [:]
            if !variables.isEmpty {
                let ordered = variables.sorted()
                var withHead = bodyQuery
                withHead.heads[0].atom.arguments = ordered.map {
                    Argument(term: .variable($0), location: step.location)
                }
                guard let answer = try self.query(withHead, in: target).first,
                    let parsed = try Parser.parse(answer).first
                else { return }
                for (name, argument) in zip(ordered, parsed.head.arguments) {
                    if case .constant(let value) = argument.term { binding[name] = value }
                }
            } else if try self.query(bodyQuery, in: target).isEmpty {
                return
            }
            atoms = atoms.map { atom in
                var bound = atom
                bound.arguments = atom.arguments.map { argument in
                    var argument = argument
                    if let name = argument.term.variable, let value = binding[name] { argument.term = .constant(value) }
                    return argument
                }
                return bound
            }
        }
        let scratch = PolicyRuntime.scratchPolicy
        let calls = atoms.map { atom in
            PolicyChange(
                policy: scratch, statement: Rule(heads: [Literal(atom: atom)], body: [], location: atom.location),
                insert: true)
        }
        try apply(calls)
        let updates = collectUpdates()
        try apply(calls.map { PolicyChange(policy: $0.policy, statement: $0.statement, insert: false) })

        // Insert wins over delete for the same row.
        let inserted = Set(updates.filter(\.insert).map { "\($0.policy):\($0.table)\($0.values)" })
        var changes: [PolicyChange] = []
        for update in updates
        where update.insert || !inserted.contains("\(update.policy):\(update.table)\(update.values)") {
            let arguments = update.values.map { Argument(term: .constant($0), location: step.location) }
            let atom = Atom(name: TableName(table: update.table), arguments: arguments, location: step.location)
            changes.append(
                PolicyChange(
                    policy: update.policy,
                    statement: Rule(heads: [Literal(atom: atom)], body: [], location: step.location),
                    insert: update.insert))
        }
        for change in changes.sorted(by: { !$0.insert && $1.insert }) { try applyRecordingUndo(change, &undo) }
    }

    /// Collects the rows of the scratch update tables: which policy table gains or loses which row.
    private func collectUpdates() -> [(policy: String, table: String, values: [Value], insert: Bool)] {
        var result: [(policy: String, table: String, values: [Value], insert: Bool)] = []
        let prefix = PolicyRuntime.scratchPolicy + ":update|"
        for relation in engine.relations where relation.name.hasPrefix(prefix) {
            let parts = relation.name.dropFirst(prefix.count).split(separator: "|", maxSplits: 2)
            guard parts.count == 3 else { continue }
            let insert = parts[0] == "insert"
            for row in rows(of: relation.name) { result.append((String(parts[1]), String(parts[2]), row, insert)) }
        }
        return result
    }

    /// Applies one change and records its inverse when it changed something.
    private func applyRecordingUndo(_ change: PolicyChange, _ undo: inout [PolicyChange]) throws(DatalogError) {
        guard policies[change.policy] != nil else { throw .unknownPolicy(name: change.policy) }
        let statement = change.statement
        if statement.body.isEmpty {
            let atom = statement.head
            let values = atom.arguments.compactMap { argument -> Value? in
                if case .constant(let value) = argument.term { return value }
                return nil
            }
            let table = change.policy + ":" + atom.name.table
            let present = isFact(table, values)
            try apply([change])
            if present != change.insert {
                undo.append(PolicyChange(policy: change.policy, statement: statement, insert: !change.insert))
            }
            return
        }
        let existing = policies[change.policy]!.rules.count
        try apply([change])
        if policies[change.policy]!.rules.count != existing {
            undo.append(PolicyChange(policy: change.policy, statement: statement, insert: !change.insert))
        }
    }

    /// `p+(...)` for answers that appeared and `p-(...)` for answers that vanished.
    private func deltaAnswers(before: [String], after: [String], atom: Atom) throws(DatalogError) -> [String] {
        let old = Set(before)
        let new = Set(after)
        var result: [String] = []
        for (answers, sign) in [(new.subtracting(old), "+"), (old.subtracting(new), "-")] {
            for answer in answers {
                guard let parsed = try Parser.parse(answer).first else { continue }
                let values = parsed.head.arguments.compactMap { argument -> Value? in
                    if case .constant(let value) = argument.term { return value }
                    return nil
                }
                result.append(format(atom, values, sign: sign))
            }
        }
        return result.sorted()
    }
}
