/// The running aggregate of one rule, per group: what `count`, `sum`, `min` and `max` need to
/// follow insertions and deletions of body solutions without re-reading the body.
///
/// `min` and `max` keep every distinct value with its multiplicity, so a deletion of the current
/// extreme finds the next one by scanning the group's values.
final class AggregateState {
    struct Group {
        var solutions = 0
        var integerSum: Int64 = 0
        var floatSum: Double = 0
        var floatCount = 0
        var values: [UInt32: Int] = [:]
    }

    var groups: [[UInt32]: Group] = [:]
}

extension Engine {
    private func groupKey(_ rule: CompiledRule, _ bindings: UnsafePointer<UInt32>) -> [UInt32] {
        var key: [UInt32] = []
        for (i, slot) in rule.headSlots.enumerated() where i != rule.aggregate!.position {
            switch slot {
            case .constant(let id): key.append(id)
            case .variable(let v): key.append(bindings[v])
            case .wildcard: key.append(0)
            }
        }
        return key
    }

    /// The aggregate's value for a group, or nil when the group has no solutions.
    private func output(_ function: AggregateFunction, _ group: AggregateState.Group) -> UInt32? {
        if group.solutions == 0 { return nil }
        switch function {
        case .count:
            return interner.intern(.int(Int64(group.solutions)))
        case .sum:
            if group.floatCount > 0 { return interner.intern(.float(Double(group.integerSum) + group.floatSum)) }
            return interner.intern(.int(group.integerSum))
        case .min, .max:
            var best: Value? = nil
            for (id, multiplicity) in group.values where multiplicity > 0 {
                let candidate = interner.value(id)
                if let current = best {
                    if function == .min ? candidate < current : current < candidate { best = candidate }
                } else {
                    best = candidate
                }
            }
            return best.map { interner.intern($0) }
        }
    }

    private func add(_ value: UInt32, sign: Int, to group: inout AggregateState.Group) {
        group.solutions += sign
        group.values[value, default: 0] += sign
        if group.values[value] == 0 { group.values[value] = nil }
        switch interner.value(value) {
        case .int(let n): group.integerSum &+= sign > 0 ? n : -n
        case .float(let f):
            group.floatSum += sign > 0 ? f : -f
            group.floatCount += sign
        case .string: break
        }
    }

    /// Applies signed body solutions to the groups and moves the head rows of every group whose
    /// aggregate changed.
    private func applyAggregate(_ rule: CompiledRule, _ solutions: [(key: [UInt32], value: UInt32, sign: Int)]) {
        let aggregate = rule.aggregate!
        let state = aggregateStates[rule.id] ?? AggregateState()
        aggregateStates[rule.id] = state
        var before: [[UInt32]: UInt32?] = [:]
        for solution in solutions {
            if before[solution.key] == nil {
                before[solution.key] = .some(state.groups[solution.key].flatMap { output(aggregate.function, $0) })
            }
            var group = state.groups[solution.key] ?? AggregateState.Group()
            add(solution.value, sign: solution.sign, to: &group)
            state.groups[solution.key] = group.solutions == 0 ? nil : group
        }
        let head = relations[rule.head]
        for (key, old) in before {
            let new = state.groups[key].flatMap { output(aggregate.function, $0) }
            if old == new { continue }
            if let old { moveHead(head, key, aggregate.position, old, by: -1) }
            if let new { moveHead(head, key, aggregate.position, new, by: 1) }
        }
    }

    private func moveHead(_ head: Relation, _ key: [UInt32], _ position: Int, _ value: UInt32, by delta: Int) {
        var tuple = key
        tuple.insert(value, at: position)
        let r = tuple.withUnsafeBufferPointer { head.findOrAdd($0.baseAddress!) }
        head.addCount(r, delta)
    }

    func maintainAggregate(_ rule: CompiledRule) {
        var solutions: [(key: [UInt32], value: UInt32, sign: Int)] = []
        let variable = rule.aggregate!.variable
        for position in rule.body.indices {
            guard let relation = rule.body[position].relation, !relations[relation].changedRows.isEmpty else {
                continue
            }
            let plan = self.plan(rule, position)
            for direction in Engine.directions {
                forEachLiteralChange(rule, position, insertions: direction) { bindings in
                    join.run(rule, plan, view: .split(position), bindings: bindings) { full in
                        solutions.append((groupKey(rule, full), full[variable], direction ? 1 : -1))
                        return true
                    }
                }
            }
        }
        applyAggregate(rule, solutions)
    }

    func rebuildAggregate(_ rule: CompiledRule) {
        aggregateStates[rule.id] = AggregateState()
        var solutions: [(key: [UInt32], value: UInt32, sign: Int)] = []
        let variable = rule.aggregate!.variable
        let plan = self.plan(rule, Plan.fullBody)
        let none = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
        none.withUnsafeBufferPointer { initial in
            join.run(rule, plan, view: .new, bindings: initial.baseAddress!) { full in
                solutions.append((groupKey(rule, full), full[variable], 1))
                return true
            }
        }
        applyAggregate(rule, solutions)
    }
}
