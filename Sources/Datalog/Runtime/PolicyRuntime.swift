/// One statement to insert into or delete from a policy, as part of an atomic batch.
public struct PolicyChange: Sendable {
    public var policy: String
    public var statement: Rule
    public var insert: Bool

    public init(policy: String, statement: Rule, insert: Bool) {
        self.policy = policy
        self.statement = statement
        self.insert = insert
    }
}

/// A policy's stored state: its kind, its declared schema and its rules in insertion order.
final class PolicyState {
    let name: String
    let kind: PolicyKind
    /// Declared columns per table; only data-source policies have them.
    var schema: [String: [String]]
    var rules: [StoredRule] = []

    init(name: String, kind: PolicyKind, schema: [String: [String]]) {
        self.name = name
        self.kind = kind
        self.schema = schema
    }
}

/// A rule as a policy keeps it.
struct StoredRule {
    /// The engine's rule id (action policies keep their rules out of the engine, with id 0).
    var engineID: Int
    var rule: Rule
    var normal: NormalRule
    /// Equal for rules with the same head and the same set of body literals.
    var identity: String
}

/// Named policies over one incremental engine, with Congress's semantics for each kind.
///
/// Every change goes through `apply`, which checks the whole batch (syntax, safety, arity,
/// schemas, stratification) before changing anything, so a batch that fails a check leaves
/// the state as it was. Each successful change returns the delta of every derived table.
public final class PolicyRuntime {
    public let engine: Engine
    var policies: [String: PolicyState] = [:]
    private let now: () -> Int64

    /// - Parameter now: the wall clock, in UTC seconds since 1970, for the `now` built-in.
    public init(now: @escaping () -> Int64 = { 0 }) {
        engine = Engine()
        self.now = now
    }

    // MARK: Policies

    public var policyNames: [String] { policies.keys.sorted() }

    public func kind(of policy: String) -> PolicyKind? { policies[policy]?.kind }

    public func schema(of policy: String) -> [String: [String]] { policies[policy]?.schema ?? [:] }

    /// Returns the rules of a policy as they were written, in insertion order.
    public func rules(of policy: String) -> [Rule] { policies[policy]?.rules.map(\.rule) ?? [] }

    public func createPolicy(_ name: String, kind: PolicyKind = .nonrecursive, schema: [String: [String]] = [:])
        throws(DatalogError)
    {
        try PolicyRuntime.validatePolicyName(name)
        if policies[name] != nil { throw .policyExists(name: name) }
        policies[name] = PolicyState(name: name, kind: kind, schema: kind == .datasource ? schema : [:])
        for relation in engine.relations where relation.name.hasPrefix(name + ":") {
            engine.setRecursionAllowed(relation.id, kind.allowsRecursion)
        }
    }

    /// Checks that a policy name can be written as the service of a table reference.
    public static func validatePolicyName(_ name: String) throws(DatalogError) {
        guard let first = name.unicodeScalars.first else {
            throw .invalidPolicyName(name: name, reason: "the name is empty")
        }
        let isStart = { (c: Unicode.Scalar) in c.properties.isAlphabetic || c == "_" || c == "." }
        let isPart = { (c: Unicode.Scalar) in isStart(c) || ("0"..."9").contains(c) }
        if !isStart(first) || !name.unicodeScalars.allSatisfy(isPart) {
            throw .invalidPolicyName(
                name: name, reason: "use a letter, '_' or '.' first, then letters, digits, '_' or '.'")
        }
        if name == "builtin" { throw .invalidPolicyName(name: name, reason: "'builtin' names the built-ins") }
        if first == "_" {
            throw .invalidPolicyName(name: name, reason: "names starting with '_' are kept for Agora's own use")
        }
    }

    /// Removes a policy with its rules and facts; returns the deltas this causes elsewhere.
    @discardableResult
    public func deletePolicy(_ name: String) throws(DatalogError) -> [TableDelta] {
        guard let state = policies[name] else { throw .unknownPolicy(name: name) }
        engine.begin()
        for stored in state.rules where stored.engineID != 0 { engine.removeRule(stored.engineID) }
        for relation in engine.relations where relation.name.hasPrefix(name + ":") {
            for r in 0..<Int32(relation.rowCount) where relation.isFact(r) {
                _ = engine.setFact(relation.id, relation.values(of: r), present: false)
            }
        }
        policies[name] = nil
        return deltas(engine.commit())
    }

    // MARK: Changes

    @discardableResult
    public func insert(_ text: String, into policy: String) throws(DatalogError) -> [TableDelta] {
        try apply(Parser.parse(text).map { PolicyChange(policy: policy, statement: $0, insert: true) })
    }

    @discardableResult
    public func delete(_ text: String, from policy: String) throws(DatalogError) -> [TableDelta] {
        try apply(Parser.parse(text).map { PolicyChange(policy: policy, statement: $0, insert: false) })
    }

    /// Rows pushed by a data-source driver into `table` (`service:table`), as one batch.
    ///
    /// This is the fast path for data: no parsing and no rule checks, one engine update. Every
    /// row is checked against the table's arity before anything changes.
    @discardableResult
    public func update(table: String, inserted: [Row], deleted: [Row], report: DeltaScope = .derivedTables)
        throws(DatalogError) -> [TableDelta]
    {
        let handle = try tableHandle(table, arity: inserted.first?.count ?? deleted.first?.count)
        for row in deleted + inserted where row.count != handle.arity {
            let text = "\(table)(\(row.map(\.description).joined(separator: ", ")))"
            throw .arity(
                literal: text, given: row.count, expected: handle.arity, at: SourceLocation(line: 1, column: 1))
        }
        refreshClock()
        engine.begin()
        var tuple = [UInt32](repeating: 0, count: handle.arity)
        for (rows, present) in [(deleted, false), (inserted, true)] {
            for row in rows {
                for (i, value) in row.enumerated() { tuple[i] = engine.interner.intern(value) }
                engine.setFact(handle.relation, tuple, present: present)
            }
        }
        return deltas(engine.commit(report: reportFilter(report)))
    }

    /// A table of an existing policy, by full name, ready for `update(_:inserting:)`.
    public struct TableHandle: Sendable {
        public let relation: Int
        public let arity: Int
    }

    /// Returns the handle of `table` (`service:table`), creating the table with `arity` columns when
    /// it has no rows or rules yet. The service must be an existing policy.
    public func tableHandle(_ table: String, arity: Int?) throws(DatalogError) -> TableHandle {
        guard let colon = table.firstIndex(of: ":") else {
            throw .invalidQuery(text: table, reason: "a table is written service:table")
        }
        let policy = String(table[..<colon])
        guard let state = policies[policy] else { throw .unknownPolicy(name: policy) }
        let name = table[table.index(after: colon)...]
        let special = name.contains("[") || name.hasSuffix("+") || name.hasSuffix("-")
        if name.isEmpty || special || Builtins.isBuiltinName(String(name)) {
            throw .invalidQuery(
                text: table, reason: "rows go into plain tables, not update, execute[...] or built-in tables")
        }
        if let relation = engine.existingRelation(table) {
            return TableHandle(relation: relation.id, arity: relation.arity)
        }
        let declared = state.schema[String(table[table.index(after: colon)...])]?.count
        guard let width = declared ?? arity else {
            throw .invalidQuery(text: table, reason: "the table has no rows yet, so its number of columns is unknown")
        }
        let id = engine.relationID(table, arity: width, allowsRecursion: state.kind.allowsRecursion)
        return TableHandle(relation: id, arity: width)
    }

    /// Inserts (or with `present` false, deletes) one row in one update: the path for events
    /// that arrive one at a time. Returns the deltas of derived tables.
    @discardableResult
    public func update(_ handle: TableHandle, row: Row, present: Bool = true) throws(DatalogError) -> [TableDelta] {
        guard row.count == handle.arity else {
            throw .arity(
                literal: "\(engine.relationName(handle.relation))(\(row.map(\.description).joined(separator: ", ")))",
                given: row.count, expected: handle.arity, at: SourceLocation(line: 1, column: 1))
        }
        engine.begin()
        let changed = withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(handle.arity, 1)) { tuple in
            for (i, value) in row.enumerated() { tuple[i] = engine.interner.intern(value) }
            return engine.setFact(handle.relation, UnsafePointer(tuple.baseAddress!), present: present)
        }
        let changes = engine.commit()
        if !changed || changes.isEmpty { return [] }
        return deltas(changes)
    }

    /// Applies a batch atomically: every statement is checked first, then all take effect in
    /// one engine update. Inserting what is there and deleting what is not are no-ops.
    @discardableResult
    public func apply(_ changes: [PolicyChange]) throws(DatalogError) -> [TableDelta] {
        var batch = Batch(runtime: self)
        for change in changes { try batch.add(change) }
        return try batch.commit()
    }

    // MARK: Reading

    /// Returns the rows of a table (`policy:table`), as values.
    public func rows(of table: String) -> [Row] {
        guard let relation = engine.existingRelation(table) else { return [] }
        var result: [Row] = []
        for r in 0..<Int32(relation.rowCount) where relation.isPresent(r) {
            result.append(relation.values(of: r).map { engine.interner.value($0) })
        }
        return result
    }

    /// Returns the rows of a table (`policy:table`) whose column `column` (from 0) equals `value`,
    /// as values. Scans the table's interned rows once and converts only the matches.
    public func rows(of table: String, column: Int, equals value: Value) -> [Row] {
        guard let relation = engine.existingRelation(table), column >= 0, column < relation.arity else { return [] }
        var slots = [Slot](repeating: .wildcard, count: relation.arity)
        slots[column] = .constant(engine.interner.intern(value))
        return engine.matchingRows(relation.id, slots).map { $0.map { engine.interner.value($0) } }
    }

    /// Returns whether a table (`policy:table`) exists: it has had rows, rules or a declared schema.
    public func hasTable(_ table: String) -> Bool {
        if engine.existingRelation(table) != nil { return true }
        guard let colon = table.firstIndex(of: ":") else { return false }
        return policies[String(table[..<colon])]?.schema[String(table[table.index(after: colon)...])] != nil
    }

    /// Returns the number of rows of a table (`policy:table`).
    public func rowCount(of table: String) -> Int { engine.existingRelation(table)?.presentCount ?? 0 }

    /// Bytes of memory that a table's rows, row set and indexes hold.
    public func storageBytes(of table: String) -> Int { engine.existingRelation(table)?.allocatedBytes ?? 0 }

    /// Returns the names of the tables of a policy that have rows or rules.
    public func tables(of policy: String) -> [String] {
        let prefix = policy + ":"
        return engine.relations.filter {
            $0.name.hasPrefix(prefix) && ($0.presentCount > 0 || !engine.rulesByHead[$0.id].isEmpty)
        }
        .map { String($0.name.dropFirst(prefix.count)) }.sorted()
    }

    func deltas(_ changes: [RelationChange]) -> [TableDelta] {
        let interner = engine.interner
        func rows(_ flat: [UInt32], _ arity: Int) -> [Row] {
            if arity == 0 { return flat.map { _ in [] } }
            var result: [Row] = []
            result.reserveCapacity(flat.count / arity)
            var index = 0
            while index < flat.count {
                var row: Row = []
                row.reserveCapacity(arity)
                for offset in 0..<arity { row.append(interner.value(flat[index + offset])) }
                result.append(row)
                index += arity
            }
            return result
        }
        return changes.map { change in
            TableDelta(
                table: engine.relationName(change.relation), inserted: rows(change.inserted, change.arity),
                deleted: rows(change.deleted, change.arity))
        }
    }

    /// The set of tables whose changes an update returns.
    public enum DeltaScope: Sendable {
        /// Every derived table (the default).
        case derivedTables
        /// Only `execute[...]` tables: the rows that request actions.
        case actionTables
        /// None; the update is applied all the same.
        case none
    }

    func reportFilter(_ scope: DeltaScope) -> (Int) -> Bool {
        switch scope {
        case .derivedTables: return { _ in true }
        case .actionTables: return { ActionCall.parse(table: self.engine.relationName($0)) != nil }
        case .none: return { _ in false }
        }
    }

    func refreshClock() { engine.builtinContext = BuiltinContext(now: now()) }
}
