/// Bringing strata up to date: counting for strata without recursion, semi-naive insertion
/// and delete-and-rederive for recursive strata, and evaluation from scratch for strata whose
/// rules changed.
extension Engine {
    // MARK: Binding helpers

    /// Binds the literal's variables to `row`; false when a constant or a repeated variable
    /// does not match.
    @inline(__always)
    func unify(
        _ slots: [Slot], _ row: UnsafePointer<UInt32>, _ bindings: UnsafeMutablePointer<UInt32>, _ set: inout [Bool]
    )
        -> Bool
    {
        for (column, slot) in slots.enumerated() {
            switch slot {
            case .constant(let id):
                if row[column] != id { return false }
            case .variable(let v):
                if set[v] {
                    if bindings[v] != row[column] { return false }
                } else {
                    bindings[v] = row[column]
                    set[v] = true
                }
            case .wildcard:
                continue
            }
        }
        return true
    }

    /// Writes the head tuple of `rule` for `bindings` into `out`.
    @inline(__always)
    func headTuple(_ rule: CompiledRule, _ bindings: UnsafePointer<UInt32>, into out: UnsafeMutablePointer<UInt32>) {
        let slots = rule.headSlotBuffer
        for i in 0..<slots.count {
            let slot = slots[i]
            switch slot {
            case .constant(let id): out[i] = id
            case .variable(let v): out[i] = bindings[v]
            case .wildcard: out[i] = 0
            }
        }
    }

    /// Returns the distinct keys (values of the literal's non-wildcard columns) among the changed rows
    /// of a negated literal's relation, each with whether a matching row exists now.
    /// Only keys whose existence flipped are returned.
    func flippedKeys(of literal: CompiledLiteral) -> [(key: [UInt32], existsNow: Bool)] {
        let relation = relations[literal.relation!]
        let columns = literal.slots.indices.filter { literal.slots[$0] != .wildcard }
        var mask: UInt64 = 0
        for column in columns { mask |= 1 << UInt64(column) }
        var seen = Set<[UInt32]>()
        var result: [(key: [UInt32], existsNow: Bool)] = []
        for r in relation.changedRows {
            let row = relation.row(r)
            let key = columns.map { row[$0] }
            guard seen.insert(key).inserted else { continue }
            let (before, now) = key.withUnsafeBufferPointer { buffer in
                // An empty key has no storage; the relation reads no key columns then.
                let pointer = buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                return (
                    relation.containsRow(mask: mask, key: pointer, old: true),
                    relation.containsRow(mask: mask, key: pointer, old: false)
                )
            }
            if before != now { result.append((key, now)) }
        }
        return result
    }

    /// Calls `body` with the initial bindings for each change of body literal `position` that
    /// matters in the given direction (`insertions` true: the literal became true for those
    /// bindings; false: it became false).
    func forEachLiteralChange(
        _ rule: CompiledRule, _ position: Int, insertions: Bool, _ body: (UnsafePointer<UInt32>) -> Void
    ) {
        let literal = rule.body[position]
        guard let relationID = literal.relation else { return }
        let relation = relations[relationID]
        if relation.changedRows.isEmpty { return }
        if literal.isPositive {
            // The common case of one changed row per update reuses the engine's scratch space.
            let bindings = deltaBindings(rule.variableCount)
            for r in relation.changedRows {
                let now = relation.isPresent(r)
                guard now != relation.wasPresent(r), now == insertions else { continue }
                for i in 0..<rule.variableCount { deltaBound[i] = false }
                if unify(literal.slots, relation.row(r), bindings, &deltaBound) { body(bindings) }
            }
        } else {
            var bindings = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
            var set = [Bool](repeating: false, count: rule.variableCount)
            let columns = literal.slots.indices.filter { literal.slots[$0] != .wildcard }
            let keySlots = columns.map { literal.slots[$0] }
            for (key, existsNow) in flippedKeys(of: literal) where existsNow != insertions {
                for i in set.indices { set[i] = false }
                let matched = bindings.withUnsafeMutableBufferPointer { buffer in
                    key.withUnsafeBufferPointer { unify(keySlots, $0.baseAddress!, buffer.baseAddress!, &set) }
                }
                if matched { bindings.withUnsafeBufferPointer { body($0.baseAddress!) } }
            }
        }
    }

    static let directions = [true, false]

    /// Scratch bindings for one delta row, at least `count` wide. Joins copy them into their
    /// own frames before running, so one buffer serves every call.
    @inline(__always)
    func deltaBindings(_ count: Int) -> UnsafeMutablePointer<UInt32> {
        if deltaScratch.count < max(count, 1) {
            deltaScratch.deallocate()
            deltaScratch = RawBuffer(repeating: 0, count: max(count, 16))
            deltaBound = [Bool](repeating: false, count: max(count, 16))
        }
        return deltaScratch.base
    }

    // MARK: Counting

    /// Applies the delta rules of a stratum without recursion: each changed body row adds or
    /// removes the derivations it takes part in, reading earlier body positions in the new view
    /// and later ones in the old view, so every derivation is counted once.
    func maintainCounting(_ stratum: Stratum, _ stratumRules: [CompiledRule]) {
        let head = relations[stratum.relations[0]]
        var deltas: [Int32: Int] = [:]
        if headScratch.count < head.arity {
            headScratch.deallocate()
            headScratch = RawBuffer(repeating: 0, count: head.arity)
        }
        let scratch = headScratch.base

        for rule in stratumRules {
            if rule.aggregate != nil {
                maintainAggregate(rule)
                continue
            }
            for position in rule.body.indices {
                guard let relation = rule.body[position].relation, !relations[relation].changedRows.isEmpty else {
                    continue
                }
                let plan = self.plan(rule, position)
                for direction in Engine.directions {
                    let sign = direction ? 1 : -1
                    forEachLiteralChange(rule, position, insertions: direction) { bindings in
                        join.run(rule, plan, view: .split(position), bindings: bindings) { full in
                            headTuple(rule, full, into: scratch)
                            deltas[head.findOrAdd(scratch), default: 0] += sign
                            return true
                        }
                    }
                }
            }
        }
        for (r, delta) in deltas where delta != 0 { head.addCount(r, delta) }
    }

    // MARK: Recursive strata

    /// Delete-and-rederive, then semi-naive insertion, for a recursive stratum.
    func maintainRecursive(_ stratum: Stratum, _ stratumRules: [CompiledRule]) {
        let members = Set(stratum.relations)

        // 1. Over-delete: everything derivable, in the old state, from what went away.
        var overdeleted: [(relation: Int, row: Int32)] = []
        var frontier: [(relation: Int, row: Int32)] = []
        for relation in stratum.relations {
            let stored = relations[relation]
            for r in stored.changedRows where stored.wasPresent(r) && !stored.isPresent(r) {
                frontier.append((relation, r))
            }
            // A retracted fact's remaining derivations may go through the row itself.
            for r in stored.retractedFacts where !stored.isFact(r) && stored.count(r) > 0 {
                stored.setCount(r, 0)
                overdeleted.append((relation, r))
                if !stored.isPresent(r) { frontier.append((relation, r)) }
            }
        }
        let overdelete: (CompiledRule, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<UInt32>) -> Void = {
            rule, full, scratch in
            self.headTuple(rule, full, into: scratch)
            let stored = self.relations[rule.head]
            guard let r = stored.find(scratch), stored.count(r) > 0 else { return }
            stored.setCount(r, 0)
            overdeleted.append((rule.head, r))
            if !stored.isPresent(r) { frontier.append((rule.head, r)) }
        }
        withScratch(stratum) { scratch in
            for rule in stratumRules {
                for position in rule.body.indices {
                    guard let relation = rule.body[position].relation, !members.contains(relation) else { continue }
                    let plan = self.plan(rule, position)
                    forEachLiteralChange(rule, position, insertions: false) { bindings in
                        join.run(rule, plan, view: .old, bindings: bindings) { full in
                            overdelete(rule, full, scratch)
                            return true
                        }
                    }
                }
            }
            let occurrences = Occurrences(rules: stratumRules, engine: self)
            while !frontier.isEmpty {
                let current = frontier
                frontier = []
                for (relation, r) in current {
                    occurrences.forEach(of: relation, row: relations[relation].row(r)) { rule, plan, bindings in
                        join.run(rule, plan, view: .old, bindings: bindings) { full in
                            overdelete(rule, full, scratch)
                            return true
                        }
                    }
                }
            }
        }

        // 2. Rederive: over-deleted rows that still have a derivation in the new state.
        var inserted: [(relation: Int, row: Int32)] = []
        for (relation, r) in overdeleted where relations[relation].count(r) == 0 {
            if isDerivable(relation, r, rules: stratumRules) {
                let stored = relations[relation]
                let wasPresent = stored.isPresent(r)
                stored.setCount(r, 1)
                if !wasPresent { inserted.append((relation, r)) }
            }
        }

        // 3. Insert: new facts, rederived rows and what new lower rows derive, to a fixpoint.
        for relation in stratum.relations {
            let stored = relations[relation]
            for r in stored.changedRows where !stored.wasPresent(r) && stored.isPresent(r) && stored.count(r) == 0 {
                inserted.append((relation, r))
            }
        }
        var pending = PendingTuples()
        withScratch(stratum) { scratch in
            for rule in stratumRules {
                for position in rule.body.indices {
                    guard let relation = rule.body[position].relation, !members.contains(relation) else { continue }
                    let plan = self.plan(rule, position)
                    forEachLiteralChange(rule, position, insertions: true) { bindings in
                        join.run(rule, plan, view: .new, bindings: bindings) { full in
                            collectCandidate(rule, full, scratch, &pending)
                            return true
                        }
                    }
                }
            }
        }
        inserted.append(contentsOf: insertPending(&pending))
        propagateInsertions(inserted, rules: stratumRules)
    }

    /// Semi-naive propagation of newly present rows through the stratum's rules.
    func propagateInsertions(_ initial: [(relation: Int, row: Int32)], rules stratumRules: [CompiledRule]) {
        var frontier = initial
        let occurrences = Occurrences(rules: stratumRules, engine: self)
        let arity = stratumRules.map { relations[$0.head].arity }.max() ?? 1
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: max(arity, 1))
        defer { scratch.deallocate() }
        // Found rows are inserted in batches: hashing a whole batch and loading its slots first
        // lets the cache misses of the row set overlap instead of stalling one after another.
        let pending = PendingBatch()
        var next: [(relation: Int, row: Int32)] = []
        func flush() {
            let count = pending.relations.count
            guard count > 0 else { return }
            // Batches nearly always hold one relation, so its reference is fetched once.
            var relation = Int(pending.relations[0])
            var stored = relations[relation]
            var offset = 0
            for i in 0..<count {
                if Int(pending.relations[i]) != relation {
                    relation = Int(pending.relations[i])
                    stored = relations[relation]
                }
                let hash = hashTuple(pending.values.base + offset, count: stored.arity)
                pending.hashes.append(hash)
                pending.warmth &+= stored.warm(hash)
                offset += stored.arity
            }
            offset = 0
            for i in 0..<count {
                if Int(pending.relations[i]) != relation {
                    relation = Int(pending.relations[i])
                    stored = relations[relation]
                }
                let row = stored.findOrAdd(pending.values.base + offset, hash: pending.hashes[i])
                offset += stored.arity
                if stored.count(row) > 0 { continue }
                let wasPresent = stored.isPresent(row)
                stored.setCount(row, 1)
                if !wasPresent { next.append((relation, row)) }
            }
            pending.relations.removeAll()
            pending.values.removeAll()
            pending.hashes.removeAll()
        }
        while !frontier.isEmpty {
            for (relation, r) in frontier {
                occurrences.forEach(of: relation, row: relations[relation].row(r)) { rule, plan, bindings in
                    let arity = relations[rule.head].arity
                    let head = Int32(rule.head)
                    join.run(rule, plan, view: .new, bindings: bindings) { full in
                        headTuple(rule, full, into: scratch)
                        pending.relations.append(head)
                        pending.values.append(contentsOf: scratch, count: arity)
                        if pending.relations.count >= 256 { flush() }
                        return true
                    }
                }
            }
            flush()
            frontier = next
            next = []
        }
        if pending.warmth == 1 { frontier = [] }
    }

    /// Queues the rule's head for `full` unless it is already derived.
    @inline(__always)
    func collectCandidate(
        _ rule: CompiledRule, _ full: UnsafeMutablePointer<UInt32>, _ scratch: UnsafeMutablePointer<UInt32>,
        _ pending: inout PendingTuples
    ) {
        headTuple(rule, full, into: scratch)
        let stored = relations[rule.head]
        if let r = stored.find(scratch), stored.count(r) > 0 { return }
        pending.relations.append(rule.head)
        pending.values.append(contentsOf: UnsafeBufferPointer(start: scratch, count: stored.arity))
    }

    /// Marks queued rows as derived; returns the rows that became present.
    func insertPending(_ pending: inout PendingTuples) -> [(relation: Int, row: Int32)] {
        var fresh: [(relation: Int, row: Int32)] = []
        var offset = 0
        pending.values.withUnsafeBufferPointer { values in
            for relation in pending.relations {
                let stored = relations[relation]
                let r = stored.findOrAdd(values.baseAddress! + offset)
                offset += stored.arity
                if stored.count(r) > 0 { continue }
                let wasPresent = stored.isPresent(r)
                stored.setCount(r, 1)
                if !wasPresent { fresh.append((relation, r)) }
            }
        }
        pending.relations.removeAll(keepingCapacity: true)
        pending.values.removeAll(keepingCapacity: true)
        return fresh
    }

    /// Returns whether some rule derives row `r` of `relation` from the current state.
    func isDerivable(_ relation: Int, _ r: Int32, rules candidates: [CompiledRule]) -> Bool {
        let stored = relations[relation]
        for rule in candidates where rule.head == relation {
            var bindings = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
            var set = [Bool](repeating: false, count: rule.variableCount)
            let matched = bindings.withUnsafeMutableBufferPointer {
                unify(rule.headSlots, stored.row(r), $0.baseAddress!, &set)
            }
            guard matched else { continue }
            let plan = self.plan(rule, Plan.headBound)
            var found = false
            bindings.withUnsafeBufferPointer { initial in
                join.run(rule, plan, view: .new, bindings: initial.baseAddress!) { _ in
                    found = true
                    return false
                }
            }
            if found { return true }
        }
        return false
    }

    func withScratch(_ stratum: Stratum, _ body: (UnsafeMutablePointer<UInt32>) -> Void) {
        let arity = stratum.relations.map { relations[$0].arity }.max() ?? 1
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: max(arity, 1))
        defer { scratch.deallocate() }
        body(scratch)
    }

    // MARK: Evaluation from scratch

    /// Re-evaluates a stratum whose rules changed: every derivation count is reset and the
    /// rules run over the current (new) state of everything below.
    func rebuildStratum(_ stratum: Stratum, _ stratumRules: [CompiledRule]) {
        for relation in stratum.relations {
            let stored = relations[relation]
            for r in 0..<Int32(stored.rowCount) where stored.count(r) > 0 { stored.setCount(r, 0) }
        }
        if !stratum.recursive {
            let head = relations[stratum.relations[0]]
            var deltas: [Int32: Int] = [:]
            withScratch(stratum) { scratch in
                for rule in stratumRules {
                    if rule.aggregate != nil {
                        rebuildAggregate(rule)
                        continue
                    }
                    let plan = self.plan(rule, Plan.fullBody)
                    let none = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
                    none.withUnsafeBufferPointer { initial in
                        join.run(rule, plan, view: .new, bindings: initial.baseAddress!) { full in
                            headTuple(rule, full, into: scratch)
                            deltas[head.findOrAdd(scratch), default: 0] += 1
                            return true
                        }
                    }
                }
            }
            for (r, delta) in deltas { head.addCount(r, delta) }
            return
        }

        var pending = PendingTuples()
        withScratch(stratum) { scratch in
            for rule in stratumRules {
                let plan = self.plan(rule, Plan.fullBody)
                let none = [UInt32](repeating: 0, count: max(rule.variableCount, 1))
                none.withUnsafeBufferPointer { initial in
                    join.run(rule, plan, view: .new, bindings: initial.baseAddress!) { full in
                        collectCandidate(rule, full, scratch, &pending)
                        return true
                    }
                }
            }
        }
        propagateInsertions(insertPending(&pending), rules: stratumRules)
    }
}

/// Head tuples found in one round of semi-naive evaluation, stored flat.
struct PendingTuples {
    var relations: [Int] = []
    var values: [UInt32] = []
}

/// The positive occurrences of each relation in a stratum's rules, with the plan that starts
/// from each, and scratch space for binding an occurrence to a row.
final class Occurrences {
    private var byRelation: [[(rule: CompiledRule, position: Int, plan: Plan)]]
    private let bindings: UnsafeMutablePointer<UInt32>
    private var bound: [Bool]
    private unowned let engine: Engine

    init(rules: [CompiledRule], engine: Engine) {
        self.engine = engine
        byRelation = Array(repeating: [], count: engine.relations.count)
        var width = 1
        for rule in rules {
            width = max(width, rule.variableCount)
            for (position, literal) in rule.body.enumerated() {
                guard case .positive(let relation) = literal.kind else { continue }
                let plan = engine.plan(rule, position)
                byRelation[relation].append((rule, position, plan))
            }
        }
        bindings = .allocate(capacity: width)
        bound = [Bool](repeating: false, count: width)
    }

    deinit { bindings.deallocate() }

    /// Calls `body` for each occurrence of `relation`, with the occurrence bound to `row`.
    @inline(__always)
    func forEach(
        of relation: Int, row: UnsafePointer<UInt32>, _ body: (CompiledRule, Plan, UnsafePointer<UInt32>) -> Void
    ) {
        for (rule, position, plan) in byRelation[relation] {
            for i in 0..<rule.variableCount { bound[i] = false }
            if engine.unify(rule.body[position].slots, row, bindings, &bound) { body(rule, plan, bindings) }
        }
    }
}

/// Head tuples waiting to be inserted as one batch, in buffers without reference counting.
final class PendingBatch {
    var relations = RawBuffer<Int32>(capacity: 256)
    var values = RawBuffer<UInt32>(capacity: 1024)
    var hashes = RawBuffer<UInt32>(capacity: 256)
    /// The sum of the cache-warming loads, kept so that they are not optimized away.
    var warmth: UInt64 = 0

    deinit {
        relations.deallocate()
        values.deallocate()
        hashes.deallocate()
    }
}
