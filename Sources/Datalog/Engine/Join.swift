/// The state of the tables a join reads: as they are now, as they were before the current
/// update, or (for the counting delta rules) now for body positions before `split` and before
/// the update for positions after it.
enum View {
    case new
    case old
    case split(Int)

    @inline(__always)
    func isOld(_ literal: Int) -> Bool {
        switch self {
        case .new: return false
        case .old: return true
        case .split(let position): return literal > position
        }
    }
}

/// Runs a rule body along a plan and calls back with each complete variable binding.
///
/// Bindings and lookup keys live on a private stack so that joins can nest (an explanation runs
/// joins for the rows another join found) without allocating per call.
final class Join {
    unowned let engine: Engine
    private var stack: RawBuffer<UInt32>
    /// When set, rows of positive literals must also pass this test (relation id, row); used by
    /// explanations to read only rows proved in earlier rounds.
    var rowFilter: ((Int, Int32) -> Bool)?

    init(engine: Engine) {
        self.engine = engine
        stack = RawBuffer(capacity: 1 << 16)
    }

    deinit { stack.deallocate() }

    /// Evaluates `rule` along `plan` from `bindings` (the variables the plan starts with bound),
    /// calling `emit` with the full binding for each solution. `emit` returns false to stop.
    @discardableResult
    func run(
        _ rule: CompiledRule, _ plan: Plan, view: View, bindings initial: UnsafePointer<UInt32>,
        emit: (UnsafeMutablePointer<UInt32>) -> Bool
    ) -> Bool {
        // The stack never grows, so frames of enclosing joins stay where they are; a join that
        // does not fit gets a frame of its own.
        let base = stack.count
        let fits = base + plan.frameSize <= stack.capacity
        let frame = fits ? stack.base + base : UnsafeMutablePointer<UInt32>.allocate(capacity: plan.frameSize)
        if fits { stack.advance(by: plan.frameSize) }
        defer {
            if fits { stack.truncate(to: base) } else { frame.deallocate() }
        }
        frame.update(from: initial, count: rule.variableCount)
        return execute(rule, plan, 0, view, frame, emit)
    }

    @inline(__always)
    private func value(_ slot: Slot, _ bindings: UnsafeMutablePointer<UInt32>) -> UInt32 {
        switch slot {
        case .constant(let id): return id
        case .variable(let v): return bindings[v]
        case .wildcard: return 0
        }
    }

    /// Binds the step's new variables from row `r` and checks repeated ones.
    @inline(__always)
    private func bind(_ step: Plan.Step, _ row: UnsafeMutablePointer<UInt32>, _ bindings: UnsafeMutablePointer<UInt32>)
        -> Bool
    {
        for (column, variable) in step.binds { bindings[variable] = row[column] }
        for (column, variable) in step.checks where row[column] != bindings[variable] { return false }
        return true
    }

    private func execute(
        _ rule: CompiledRule, _ plan: Plan, _ k: Int, _ view: View, _ bindings: UnsafeMutablePointer<UInt32>,
        _ emit: (UnsafeMutablePointer<UInt32>) -> Bool
    ) -> Bool {
        if k == plan.stepCount { return emit(bindings) }
        let step = plan.steps[k]
        switch step.operation {
        case .constant(let holds):
            return holds ? execute(rule, plan, k + 1, view, bindings, emit) : true

        case .negatedBuiltin(let index):
            if builtinHolds(plan.builtins[index], step, bindings) { return true }
            return execute(rule, plan, k + 1, view, bindings, emit)

        case .builtin(let index):
            return evaluateBuiltin(plan.builtins[index], step, rule, plan, k, view, bindings, emit)

        case .negation:
            let relation = engine.relations[step.relation]
            let key = bindings + step.keyOffset
            for (i, slot) in step.keySlots.enumerated() { key[i] = value(slot, bindings) }
            let fullMask: UInt64 =
                step.isFullKey ? (relation.arity >= 64 ? ~0 : (1 << UInt64(relation.arity)) - 1) : step.mask
            if relation.containsRow(mask: fullMask, key: key, old: view.isOld(step.literal)) { return true }
            return execute(rule, plan, k + 1, view, bindings, emit)

        case .lookup:
            let relation = engine.relations[step.relation]
            let old = view.isOld(step.literal)
            let key = bindings + step.keyOffset
            for (i, slot) in step.keySlots.enumerated() { key[i] = value(slot, bindings) }
            if step.isFullKey {
                guard let r = relation.find(key), relation.isPresent(r, old: old), passes(relation, r) else {
                    return true
                }
                return execute(rule, plan, k + 1, view, bindings, emit)
            }
            if step.mask == 0 {
                let rows = relation.rowCount
                let last = k + 1 == plan.stepCount
                var r: Int32 = 0
                while r < rows {
                    if relation.isPresent(r, old: old), passes(relation, r), bind(step, relation.row(r), bindings) {
                        if last {
                            if !emit(bindings) { return false }
                        } else if !execute(rule, plan, k + 1, view, bindings, emit) {
                            return false
                        }
                    }
                    r += 1
                }
                return true
            }
            let index = relation.index(for: step.mask)
            var r = index.first(key, relation: relation)
            // The last step calls back directly: it is the innermost loop of every join.
            let last = k + 1 == plan.stepCount
            while r >= 0 {
                if relation.isPresent(r, old: old), passes(relation, r), bind(step, relation.row(r), bindings) {
                    if last {
                        if !emit(bindings) { return false }
                    } else if !execute(rule, plan, k + 1, view, bindings, emit) {
                        return false
                    }
                }
                r = index.next.base[Int(r)]
            }
            return true

        case .network(let column, let addressSlot):
            let relation = engine.relations[step.relation]
            let old = view.isOld(step.literal)
            guard let address = engine.address(of: value(addressSlot, bindings)) else { return true }
            let index = engine.networkIndex(relation, column: column)
            var keepGoing = true
            index.forEachRow(containing: address.high, address.low) { r in
                guard keepGoing, relation.isPresent(r, old: old), passes(relation, r),
                    bind(step, relation.row(r), bindings)
                else { return }
                keepGoing = execute(rule, plan, k + 1, view, bindings, emit)
            }
            return keepGoing
        }
    }

    @inline(__always)
    private func passes(_ relation: Relation, _ r: Int32) -> Bool {
        guard let rowFilter else { return true }
        return rowFilter(relation.id, r)
    }

    /// Returns whether a built-in is true with every argument bound.
    private func builtinHolds(_ builtin: Builtin, _ step: Plan.Step, _ bindings: UnsafeMutablePointer<UInt32>) -> Bool {
        let interner = engine.interner
        let inputs = step.arguments.prefix(builtin.inputCount).map { interner.value(value($0, bindings)) }
        guard let outputs = builtin.evaluate(inputs, context: engine.builtinContext),
            outputs.count == step.arguments.count - builtin.inputCount
        else { return false }
        for (i, output) in outputs.enumerated()
        where interner.value(value(step.arguments[builtin.inputCount + i], bindings)) != output {
            return false
        }
        return true
    }

    private func evaluateBuiltin(
        _ builtin: Builtin, _ step: Plan.Step, _ rule: CompiledRule, _ plan: Plan, _ k: Int, _ view: View,
        _ bindings: UnsafeMutablePointer<UInt32>,
        _ emit: (UnsafeMutablePointer<UInt32>) -> Bool
    ) -> Bool {
        let interner = engine.interner
        var inputs: [Value] = []
        inputs.reserveCapacity(builtin.inputCount)
        for slot in step.arguments.prefix(builtin.inputCount) { inputs.append(interner.value(value(slot, bindings))) }
        guard let outputs = builtin.evaluate(inputs, context: engine.builtinContext),
            outputs.count == step.arguments.count - builtin.inputCount
        else { return true }
        var assigned: [Int] = []
        for (i, output) in outputs.enumerated() {
            let slot = step.arguments[builtin.inputCount + i]
            let id = interner.intern(output)
            if step.unboundOutputs[i], case .variable(let v) = slot, !assigned.contains(v) {
                bindings[v] = id
                assigned.append(v)
            } else if value(slot, bindings) != id {
                return true
            }
        }
        return execute(rule, plan, k + 1, view, bindings, emit)
    }
}
