/// The change of one relation during an update: rows that became present and rows that left,
/// each stored flat, `arity` ids a row.
public struct RelationChange {
    public var relation: Int
    public var arity: Int
    public var inserted: [UInt32]
    public var deleted: [UInt32]

    /// Rows as arrays of ids. A table without columns stores one placeholder id per row.
    func rows(_ flat: [UInt32]) -> [[UInt32]] {
        guard arity > 0 else { return flat.map { _ in [] } }
        return stride(from: 0, to: flat.count, by: arity).map { Array(flat[$0..<($0 + arity)]) }
    }
}

/// The incremental Datalog engine: stored relations, compiled rules and their strata.
///
/// Every relation is materialized. An update (`begin`, fact and rule changes, `commit`) is
/// evaluated bottom-up, stratum by stratum, and touches only what the changes reach. Strata
/// without recursion keep a derivation count per row and apply delta rules (counting). Recursive
/// strata use semi-naive evaluation for insertions and delete-and-rederive for deletions.
/// `commit` returns the exact change of every derived relation.
///
/// The engine is not thread-safe; its owner serialises access.
public final class Engine {
    let interner = Interner()
    var relations: [Relation] = []
    private(set) var relationIDs: [String: Int] = [:]
    private(set) var recursionAllowed: [Bool] = []
    private(set) var rules: [Int: CompiledRule] = [:]
    private var nextRuleID = 0
    private(set) var rulesByHead: [[Int]] = []
    var strata: [Stratum] = []
    /// For each relation, the strata with a rule that reads it.
    var readerStrata: [[Int]] = []
    var aggregateStates: [Int: AggregateState] = [:]
    var builtinContext = BuiltinContext(now: 0)
    private var addressCache: [UInt32: (high: UInt64, low: UInt64)?] = [:]
    private var networkCache: [UInt32: (high: UInt64, low: UInt64, length: Int)?] = [:]
    lazy var join = Join(engine: self)

    // State of the update in progress.
    private(set) var inUpdate = false
    private var updatesSinceCompaction = 255
    var pendingAdded: [CompiledRule] = []
    var pendingRemoved: [Int] = []
    var touched: [Bool] = []
    var touchedList: [Int] = []
    /// Strata waiting to be processed in this update, and a flag per stratum for membership.
    private var queue: [Int] = []
    private var queued: [Bool] = []
    /// The rules of each stratum, in stratum order.
    var stratumRules: [[CompiledRule]] = []
    /// Space for one head tuple while a stratum without recursion is maintained.
    var headScratch = RawBuffer<UInt32>(repeating: 0, count: 16)
    var deltaScratch = RawBuffer<UInt32>(repeating: 0, count: 16)
    var deltaBound = [Bool](repeating: false, count: 16)
    /// Relations whose last rule this update removed; their changes are still reported.
    var formerHeads: Set<Int> = []

    public init() {}

    deinit {
        deltaScratch.deallocate()
        headScratch.deallocate()
    }

    // MARK: Relations

    /// Returns the id of the relation named `name`, creating it with `arity` columns when new.
    func relationID(_ name: String, arity: Int, allowsRecursion: Bool) -> Int {
        if let id = relationIDs[name] { return id }
        let id = relations.count
        relations.append(Relation(id: id, name: name, arity: arity))
        relationIDs[name] = id
        recursionAllowed.append(allowsRecursion)
        rulesByHead.append([])
        readerStrata.append([])
        touched.append(false)
        relationStratum.append(-1)
        return id
    }

    func existingRelation(_ name: String) -> Relation? { relationIDs[name].map { relations[$0] } }

    /// Returns the relation named `name` unless it is idle: no rows, no rule deriving it, no rule reading
    /// it. An idle table's width can change, so that a dropped policy or a simulation leaves no
    /// trace.
    func liveRelation(_ name: String) -> Relation? {
        guard let relation = existingRelation(name) else { return nil }
        let idle =
            relation.presentCount == 0 && rulesByHead[relation.id].isEmpty && readerStrata[relation.id].isEmpty
            && relation.changedRows.isEmpty
        return idle ? nil : relation
    }

    /// Frees the name of an idle relation; the old relation stays, unreachable by name.
    func retire(_ name: String) {
        guard let id = relationIDs[name], liveRelation(name) == nil else { return }
        relationIDs[name] = nil
        relations[id].networkIndexes = [:]
    }

    func relationName(_ id: Int) -> String { relations[id].name }

    func setRecursionAllowed(_ relation: Int, _ allowed: Bool) { recursionAllowed[relation] = allowed }

    var allRules: [CompiledRule] { rules.keys.sorted().map { rules[$0]! } }

    func newRuleID() -> Int {
        nextRuleID += 1
        return nextRuleID
    }

    /// Returns the join plan of `rule` from `start`, sized by the current tables.
    @inline(__always)
    func plan(_ rule: CompiledRule, _ start: Int) -> Plan {
        rule.plan(start: start, size: tableSize)
    }

    func tableSize(_ relation: Int) -> Int { relations[relation].presentCount }

    // MARK: Addresses for the network index

    func address(of id: UInt32) -> (high: UInt64, low: UInt64)? {
        if let cached = addressCache[id] { return cached }
        var parsed: (high: UInt64, low: UInt64)? = nil
        if case .string(let text) = interner.value(id), let address = IPAddress(text) {
            parsed = (address.high, address.low)
        }
        addressCache[id] = parsed
        return parsed
    }

    func network(of id: UInt32) -> (high: UInt64, low: UInt64, length: Int)? {
        if let cached = networkCache[id] { return cached }
        var parsed: (high: UInt64, low: UInt64, length: Int)? = nil
        if case .string(let text) = interner.value(id), let network = IPNetwork(text) {
            let length = network.address.isIPv4 ? network.prefixLength + 96 : network.prefixLength
            parsed = (network.address.high, network.address.low, length)
        }
        networkCache[id] = parsed
        return parsed
    }

    func networkIndex(_ relation: Relation, column: Int) -> NetworkIndex {
        if let index = relation.networkIndexes[column] { return index }
        let index = NetworkIndex(parse: { [unowned self] id in self.network(of: id) })
        for r in 0..<Int32(relation.rowCount) { index.add(row: r, value: relation.row(r)[column]) }
        relation.networkIndexes[column] = index
        return index
    }

    // MARK: Checking a program change

    /// Computes the strata the program would have after adding and removing rules, or throws the
    /// cycle that makes it invalid. Changes nothing.
    func strata(adding added: [CompiledRule], removing removed: Set<Int>, allowsRecursion: (Int) -> Bool)
        throws(CycleError) -> [Stratum]
    {
        var all = rules.values.filter { !removed.contains($0.id) }
        all.append(contentsOf: added)
        all.sort { $0.id < $1.id }
        return try Stratifier.strata(rules: all, recursionAllowed: allowsRecursion)
    }

    // MARK: Updates

    /// Starts an update. Relations with many dead rows are compacted first.
    func begin() {
        precondition(!inUpdate, "begin() inside an update")
        inUpdate = true
        // Checking every table costs more than an update of one row, so the check runs on one
        // update in 256. Dead rows waste memory until then, but no result changes.
        updatesSinceCompaction += 1
        if updatesSinceCompaction >= 256 {
            updatesSinceCompaction = 0
            for relation in relations where relation.rowCount > 1024 && relation.deadCount * 2 > relation.rowCount {
                relation.compact()
            }
        }
    }

    @inline(__always)
    func markTouched(_ relation: Int) {
        if !touched[relation] {
            touched[relation] = true
            touchedList.append(relation)
        }
    }

    /// Adds (`present` true) or removes a fact. Returns false when nothing changed.
    @discardableResult
    func setFact(_ relation: Int, _ tuple: UnsafePointer<UInt32>, present: Bool) -> Bool {
        precondition(inUpdate, "setFact() outside an update")
        let stored = relations[relation]
        let r: Int32
        if present {
            r = stored.findOrAdd(tuple)
        } else {
            guard let existing = stored.find(tuple) else { return false }
            r = existing
        }
        guard stored.setFact(r, present) else { return false }
        markTouched(relation)
        return true
    }

    func setFact(_ relation: Int, _ tuple: [UInt32], present: Bool) -> Bool {
        tuple.withUnsafeBufferPointer {
            setFact(relation, $0.baseAddress ?? UnsafePointer(bitPattern: 8)!, present: present)
        }
    }

    func addRule(_ rule: CompiledRule) { pendingAdded.append(rule) }

    func removeRule(_ id: Int) { pendingRemoved.append(id) }

    /// Applies the update and returns the change of every derived relation.
    ///
    /// Rule changes must have been checked with `strata(adding:removing:)`; this recomputes the
    /// strata and re-evaluates from scratch only the strata whose rules changed.
    ///
    /// `report` picks the relations whose changed rows are copied out; the others' changes are
    /// applied all the same. Copying is most of the cost of an update that derives millions of
    /// rows.
    func commit(report: (Int) -> Bool = { _ in true }) -> [RelationChange] {
        precondition(inUpdate, "commit() outside an update")
        var rebuild = Set<Int>()
        if !pendingAdded.isEmpty || !pendingRemoved.isEmpty { rebuild = applyRuleChanges() }

        for s in rebuild { enqueue(s) }
        for relation in touchedList {
            for s in readerStrata[relation] { enqueue(s) }
            if relationStratum[relation] >= 0 { enqueue(relationStratum[relation]) }
        }
        processStrata(rebuild: rebuild)

        var changes: [RelationChange] = []
        for relation in touchedList {
            let stored = relations[relation]
            if !rulesByHead[relation].isEmpty || formerHeads.contains(relation), report(relation) {
                var change = RelationChange(relation: relation, arity: stored.arity, inserted: [], deleted: [])
                stored.forEachNetChange { r, nowPresent in
                    let row =
                        stored.arity == 0 ? [0] : Array(UnsafeBufferPointer(start: stored.row(r), count: stored.arity))
                    if nowPresent {
                        change.inserted.append(contentsOf: row)
                    } else {
                        change.deleted.append(contentsOf: row)
                    }
                }
                if !change.inserted.isEmpty || !change.deleted.isEmpty { changes.append(change) }
            }
            stored.clearChanges()
            touched[relation] = false
        }
        touchedList.removeAll(keepingCapacity: true)
        formerHeads = []
        inUpdate = false
        return changes
    }

    /// The stratum of each derived relation, or -1 for relations without rules.
    var relationStratum: [Int] = []

    private func applyRuleChanges() -> Set<Int> {
        let removed = Set(pendingRemoved)
        var changedHeads = Set<Int>()
        for id in removed {
            if let rule = rules.removeValue(forKey: id) {
                changedHeads.insert(rule.head)
                rulesByHead[rule.head].removeAll { $0 == id }
                aggregateStates[id] = nil
            }
        }
        for rule in pendingAdded {
            rules[rule.id] = rule
            rulesByHead[rule.head].append(rule.id)
            changedHeads.insert(rule.head)
        }
        pendingAdded = []
        pendingRemoved = []

        let oldStrata = Set(strata.map { $0.relations })
        // The program was checked before the update began, so stratification succeeds here.
        strata = (try? Stratifier.strata(rules: allRules, recursionAllowed: { self.recursionAllowed[$0] })) ?? strata
        relationStratum = [Int](repeating: -1, count: relations.count)
        queued = [Bool](repeating: false, count: strata.count)
        stratumRules = strata.map { stratum in stratum.rules.map { rules[$0]! } }
        for i in readerStrata.indices { readerStrata[i] = [] }
        var rebuild = Set<Int>()
        for (s, stratum) in strata.enumerated() {
            for relation in stratum.relations { relationStratum[relation] = s }
            for id in stratum.rules {
                for dependency in rules[id]!.dependencies where !readerStrata[dependency.relation].contains(s) {
                    readerStrata[dependency.relation].append(s)
                }
            }
            if !oldStrata.contains(stratum.relations) || stratum.relations.contains(where: changedHeads.contains) {
                rebuild.insert(s)
            }
        }
        // Relations that lost their last rule keep only their facts.
        for head in changedHeads where rulesByHead[head].isEmpty {
            formerHeads.insert(head)
            let stored = relations[head]
            for r in 0..<Int32(stored.rowCount) where stored.count(r) > 0 { stored.setCount(r, 0) }
            markTouched(head)
        }
        return rebuild
    }

    /// Marks a stratum for processing in this update.
    @inline(__always)
    private func enqueue(_ stratum: Int) {
        if !queued[stratum] {
            queued[stratum] = true
            queue.append(stratum)
        }
    }

    /// Processes queued strata in order; a stratum whose tables changed queues its readers,
    /// which always come later.
    private func processStrata(rebuild: Set<Int>) {
        while !queue.isEmpty {
            var position = 0
            for i in 1..<queue.count where queue[i] < queue[position] { position = i }
            let s = queue.remove(at: position)
            queued[s] = false
            let stratum = strata[s]
            if rebuild.contains(s) {
                rebuildStratum(stratum, stratumRules[s])
            } else if stratum.recursive {
                maintainRecursive(stratum, stratumRules[s])
            } else {
                maintainCounting(stratum, stratumRules[s])
            }
            for relation in stratum.relations where relations[relation].hasNetChanges {
                markTouched(relation)
                for reader in readerStrata[relation] where reader > s { enqueue(reader) }
            }
        }
    }
}
