/// One argument position of a compiled literal.
enum Slot: Hashable {
    /// A rule variable, numbered densely from 0 within its rule.
    case variable(Int)
    /// An interned constant.
    case constant(UInt32)
    /// A position that matches any value and binds nothing: `_` or a column that a column
    /// reference left unnamed inside a negated literal.
    case wildcard
}

/// A body literal in the engine's form.
struct CompiledLiteral {
    enum Kind {
        case positive(relation: Int)
        case negative(relation: Int)
        case builtin(Builtin)
        /// A built-in that must not hold; every argument is bound before it is tested.
        case negatedBuiltin(Builtin)
        /// `true` (always holds) or `false` (never holds).
        case constant(Bool)
    }

    var kind: Kind
    var slots: [Slot]

    var relation: Int? {
        switch kind {
        case .positive(let r), .negative(let r): return r
        case .builtin, .negatedBuiltin, .constant: return nil
        }
    }

    var isPositive: Bool {
        if case .positive = kind { return true }
        return false
    }

    var isNegatedBuiltin: Bool {
        if case .negatedBuiltin = kind { return true }
        return false
    }

    var isNegative: Bool {
        if case .negative = kind { return true }
        return false
    }
}

/// The aggregate of a rule head: `function(variable)` at head position `position`.
struct CompiledAggregate {
    var function: AggregateFunction
    var position: Int
    var variable: Int
}

/// A rule in the engine's form: relations by id, variables by number, constants interned.
final class CompiledRule {
    let id: Int
    let head: Int
    let headSlots: [Slot]
    /// The head slots again, in a buffer the join loop can read without reference counting.
    let headSlotBuffer: UnsafeBufferPointer<Slot>
    let aggregate: CompiledAggregate?
    let body: [CompiledLiteral]
    let variableCount: Int
    let variableNames: [String]
    /// The rule as the policy states it, after column references became positions.
    let source: Rule
    /// Cached plans by `start + 2`, so that the two special starts come first.
    private var plans: [(plan: Plan, sizes: [Int])?] = []
    private var planCalls = 0

    init(
        id: Int, head: Int, headSlots: [Slot], aggregate: CompiledAggregate?, body: [CompiledLiteral],
        variableNames: [String], source: Rule
    ) {
        self.id = id
        self.head = head
        self.headSlots = headSlots
        let buffer = UnsafeMutableBufferPointer<Slot>.allocate(capacity: max(headSlots.count, 1))
        _ = buffer.initialize(from: headSlots)
        headSlotBuffer = UnsafeBufferPointer(start: buffer.baseAddress, count: headSlots.count)
        self.aggregate = aggregate
        self.body = body
        self.variableCount = variableNames.count
        self.variableNames = variableNames
        self.source = source
    }

    deinit { UnsafeMutableRawPointer(mutating: headSlotBuffer.baseAddress!).deallocate() }

    /// Relations the body reads, each with whether some occurrence is negated.
    var dependencies: [(relation: Int, negative: Bool)] {
        body.compactMap { literal in
            switch literal.kind {
            case .positive(let r): return (r, aggregate != nil)
            case .negative(let r): return (r, true)
            case .builtin, .negatedBuiltin, .constant: return nil
            }
        }
    }

    /// Returns the join order for evaluating the body when `start` is already bound (a body position,
    /// `Plan.fullBody` for nothing bound, or `Plan.headBound` for the head's variables bound).
    ///
    /// Plans are cached and made again when a table the body reads has grown or shrunk more
    /// than fourfold since, because the join order depends on table sizes.
    func plan(start: Int, size: (Int) -> Int = { _ in 0 }) -> Plan {
        let slot = start + 2
        // Table sizes are compared on one call in 64, which is often enough to follow growth.
        planCalls &+= 1
        if slot < plans.count, let cached = plans[slot], planCalls & 63 != 0 || !isStale(cached.sizes, size) {
            return cached.plan
        }
        let plan = Plan(rule: self, start: start, size: size)
        if plans.count <= slot { plans.append(contentsOf: repeatElement(nil, count: slot + 1 - plans.count)) }
        plans[slot] = (plan, body.map { $0.relation.map(size) ?? 0 })
        return plan
    }

    @inline(__always)
    private func isStale(_ sizes: [Int], _ size: (Int) -> Int) -> Bool {
        for (i, literal) in body.enumerated() {
            guard let relation = literal.relation else { continue }
            let now = size(relation)
            let then = sizes[i]
            if now > 4 * then + 64 || then > 4 * now + 64 { return true }
        }
        return false
    }
}
