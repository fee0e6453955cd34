/// A join order for a rule body, fixed when first needed and cached on the rule.
///
/// Planning is greedy: filters (negations, built-ins, constants) go as soon as their inputs are
/// bound; otherwise the positive literal with the most bound columns comes next, because its
/// index lookup is the most selective. A positive literal whose network column feeds
/// `ip_in_network` with a bound address becomes a network-index probe instead of a scan.
///
/// A step holds no reference-counted values: its lists point into buffers the plan owns, so the
/// join loop copies steps without retaining anything.
final class Plan {
    static let fullBody = -1
    static let headBound = -2

    struct Step {
        enum Operation {
            case lookup
            case negation
            /// A built-in, by index into the plan's `builtins`.
            case builtin(Int)
            case negatedBuiltin(Int)
            case constant(Bool)
            /// Probe the network index on `column` with the address in `address`.
            case network(column: Int, address: Slot)
        }

        var operation: Operation
        var literal: Int
        var relation: Int
        /// Columns whose values are known before the step (constants and bound variables).
        var mask: UInt64
        /// Values of the masked columns, in column order.
        var keySlots: UnsafeBufferPointer<Slot>
        /// The offset of the step's lookup key in the join frame, after the variables.
        var keyOffset: Int
        var isFullKey: Bool
        /// Variables first bound by this step, with the column that binds them.
        var binds: UnsafeBufferPointer<(column: Int, variable: Int)>
        /// Columns that must equal a variable bound earlier in this same step.
        var checks: UnsafeBufferPointer<(column: Int, variable: Int)>
        /// Built-ins only: argument slots, and which outputs were unbound before the step.
        var arguments: UnsafeBufferPointer<Slot>
        var unboundOutputs: UnsafeBufferPointer<Bool>
    }

    /// A step while the plan is being built, with ordinary arrays.
    private struct Draft {
        var operation: Step.Operation
        var literal: Int
        var relation: Int
        var mask: UInt64
        var keySlots: [Slot]
        var isFullKey: Bool
        var binds: [(column: Int, variable: Int)]
        var checks: [(column: Int, variable: Int)]
        var arguments: [Slot]
        var unboundOutputs: [Bool]
    }

    let steps: UnsafeMutableBufferPointer<Step>
    let builtins: [Builtin]
    private var allocations: [UnsafeMutableRawPointer] = []
    /// Values a join frame holds: the variables, then each step's key.
    var frameSize: Int

    init(rule: CompiledRule, start: Int, size: (Int) -> Int = { _ in 0 }) {
        var bound = [Bool](repeating: false, count: rule.variableCount)
        if start >= 0 {
            for case .variable(let v) in rule.body[start].slots { bound[v] = true }
        } else if start == Plan.headBound {
            // The aggregate's column contains the aggregate, not a value of its variable.
            for (position, slot) in rule.headSlots.enumerated() where position != rule.aggregate?.position {
                if case .variable(let v) = slot { bound[v] = true }
            }
        }
        var drafts: [Draft] = []
        var builtins: [Builtin] = []
        var remaining = Array(rule.body.indices).filter { $0 != start }
        while !remaining.isEmpty {
            let choice = Plan.chooseNext(
                rule: rule, remaining: remaining, bound: bound, size: size)
            drafts.append(Plan.makeStep(rule: rule, choice: choice, bound: &bound, builtins: &builtins))
            remaining.removeAll { $0 == choice.literal }
        }
        self.builtins = builtins

        steps = .allocate(capacity: max(drafts.count, 1))
        var offset = rule.variableCount
        var owned: [UnsafeMutableRawPointer] = [UnsafeMutableRawPointer(steps.baseAddress!)]
        func copy<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
            _ = buffer.initialize(from: values)
            owned.append(UnsafeMutableRawPointer(buffer.baseAddress!))
            return UnsafeBufferPointer(start: buffer.baseAddress, count: values.count)
        }
        for (i, draft) in drafts.enumerated() {
            let step = Step(
                operation: draft.operation, literal: draft.literal, relation: draft.relation, mask: draft.mask,
                keySlots: copy(draft.keySlots), keyOffset: offset, isFullKey: draft.isFullKey, binds: copy(draft.binds),
                checks: copy(draft.checks), arguments: copy(draft.arguments), unboundOutputs: copy(draft.unboundOutputs)
            )
            (steps.baseAddress! + i).initialize(to: step)
            offset += draft.keySlots.count
        }
        stepCount = drafts.count
        allocations = owned
        frameSize = offset
    }

    deinit {
        for pointer in allocations { pointer.deallocate() }
    }

    /// The number of steps.
    let stepCount: Int

    private struct Choice {
        var literal: Int
        var network: (column: Int, address: Slot)?
    }

    private static func isBound(_ slot: Slot, _ bound: [Bool]) -> Bool {
        switch slot {
        case .constant: return true
        case .variable(let v): return bound[v]
        case .wildcard: return false
        }
    }

    private static func chooseNext(
        rule: CompiledRule, remaining: [Int], bound: [Bool], size: (Int) -> Int
    ) -> Choice {
        // Filters whose inputs are bound go first.
        for j in remaining {
            let literal = rule.body[j]
            switch literal.kind {
            case .negative:
                let ready = literal.slots.allSatisfy { slot in
                    if case .variable(let v) = slot { return bound[v] }
                    return true
                }
                if ready { return Choice(literal: j) }
            case .builtin(let builtin):
                if literal.slots.prefix(builtin.inputCount).allSatisfy({ isBound($0, bound) }) {
                    return Choice(literal: j)
                }
            case .negatedBuiltin:
                if literal.slots.allSatisfy({ isBound($0, bound) }) { return Choice(literal: j) }
            case .constant:
                return Choice(literal: j)
            case .positive:
                continue
            }
        }

        // A network-index probe, when an address is bound and the network column is not.
        for j in remaining {
            guard case .builtin(let builtin) = rule.body[j].kind, builtin.name == "ip_in_network" else { continue }
            let slots = rule.body[j].slots
            guard isBound(slots[0], bound), case .variable(let network) = slots[1], !bound[network] else { continue }
            for k in remaining {
                guard rule.body[k].isPositive else { continue }
                let hasOtherBound = rule.body[k].slots.contains { isBound($0, bound) }
                if hasOtherBound { continue }
                if let column = rule.body[k].slots.firstIndex(of: .variable(network)) {
                    return Choice(literal: k, network: (column, slots[0]))
                }
            }
        }

        // Otherwise a positive literal: a fully bound one (an existence check) first, then one
        // with some bound columns, then a scan; among equals, the smaller table, then the earlier.
        var best = -1
        var bestScore = (-1, Int.min, -1)
        for j in remaining {
            guard case .positive(let relation) = rule.body[j].kind else { continue }
            let slots = rule.body[j].slots
            let count = slots.filter { isBound($0, bound) }.count
            let kind = count == slots.count ? 2 : (count > 0 ? 1 : 0)
            let score = (kind, -size(relation), count)
            if score > bestScore {
                best = j
                bestScore = score
            }
        }
        // The compiler rejects unsafe rules, so a positive literal is always left here.
        precondition(best >= 0, "no positive literal left to bind the remaining variables")
        return Choice(literal: best)
    }

    private static func makeStep(rule: CompiledRule, choice: Choice, bound: inout [Bool], builtins: inout [Builtin])
        -> Draft
    {
        let literal = rule.body[choice.literal]
        var step = Draft(
            operation: .lookup, literal: choice.literal, relation: literal.relation ?? -1, mask: 0, keySlots: [],
            isFullKey: false, binds: [], checks: [], arguments: literal.slots, unboundOutputs: [])

        switch literal.kind {
        case .constant(let value):
            step.operation = .constant(value)
            return step
        case .builtin(let builtin):
            step.operation = .builtin(builtins.count)
            builtins.append(builtin)
            for slot in literal.slots.dropFirst(builtin.inputCount) {
                if case .variable(let v) = slot, !bound[v] {
                    step.unboundOutputs.append(true)
                    bound[v] = true
                } else {
                    step.unboundOutputs.append(false)
                }
            }
            return step
        case .negatedBuiltin(let builtin):
            step.operation = .negatedBuiltin(builtins.count)
            builtins.append(builtin)
            return step
        case .negative:
            step.operation = .negation
        case .positive:
            if let network = choice.network {
                step.operation = .network(column: network.column, address: network.address)
            }
        }

        var newlyBound: [Int: Int] = [:]
        for (column, slot) in literal.slots.enumerated() {
            switch slot {
            case .constant:
                step.mask |= 1 << UInt64(column)
                step.keySlots.append(slot)
            case .variable(let v) where bound[v]:
                step.mask |= 1 << UInt64(column)
                step.keySlots.append(slot)
            case .variable(let v):
                if newlyBound[v] != nil {
                    step.checks.append((column, v))
                } else {
                    newlyBound[v] = column
                    step.binds.append((column, v))
                }
            case .wildcard:
                continue
            }
        }
        step.isFullKey = step.keySlots.count == literal.slots.count
        if literal.isPositive {
            for (_, v) in step.binds { bound[v] = true }
        }
        return step
    }
}
