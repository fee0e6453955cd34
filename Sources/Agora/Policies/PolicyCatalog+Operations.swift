import Datalog
import Foundation

/// Policies and rules as the API manages them: names and ids, kinds, modes, the original rule
/// text with names and comments, kept in the engine and in the store together.
///
/// Each change is checked by the engine first (which changes nothing when a check fails), then
/// stored; if storing fails, the engine change is undone, so the two never disagree.
public final class PolicyCatalog: @unchecked Sendable {
    public let engine: PolicyEngine
    private let persistence: any PolicyPersistence
    private let lock = NSLock()
    private var policies: [String: PolicyInfo] = [:]
    private var rulesByPolicy: [String: [RuleInfo]] = [:]
    /// Receives the deltas of derived tables after each change, in order.
    private let onDeltas: @Sendable ([TableDelta]) -> Void

    public static let modes = ["monitor", "dry-run", "approve", "enforce"]
    /// Called with every policy after a policy is created, deleted or changes mode.
    public var onModesChanged: (@Sendable ([PolicyInfo]) -> Void)?

    private func modesChanged() {
        onModesChanged?(Array(policies.values))
    }

    public init(
        engine: PolicyEngine, persistence: any PolicyPersistence,
        onDeltas: @escaping @Sendable ([TableDelta]) -> Void = { _ in }
    ) {
        self.engine = engine
        self.persistence = persistence
        self.onDeltas = onDeltas
    }

    // MARK: Start

    /// Creates the system policies when missing and loads every stored policy and rule into the
    /// engine, all rules in one batch so that rules may name each other's policies in any order.
    public func load() throws {
        lock.lock()
        defer { lock.unlock() }
        let stored = try persistence.loadPolicies()
        for (policy, rules) in stored {
            policies[policy.id] = policy
            rulesByPolicy[policy.id] = rules
        }
        for (name, kind) in PolicyEngine.systemPolicies where find(name) == nil {
            let info = PolicyInfo(
                id: UUID().uuidString.lowercased(), name: name, abbreviation: String(name.prefix(5)),
                description: "", ownerID: "user", kind: kind, mode: "dry-run")
            try persistence.createPolicy(info, rules: [], by: .system)
            policies[info.id] = info
            rulesByPolicy[info.id] = []
        }
        var changes: [PolicyChange] = []
        try engine.withRuntime { runtime in
            for policy in policies.values where runtime.kind(of: policy.name) == nil {
                try runtime.createPolicy(policy.name, kind: policy.kind)
            }
            for policy in policies.values {
                for rule in rulesByPolicy[policy.id] ?? [] {
                    for statement in try Parser.parse(rule.text) {
                        changes.append(PolicyChange(policy: policy.name, statement: statement, insert: true))
                    }
                }
            }
        }
        let deltas = try engine.withRuntime { try $0.apply(changes) }
        modesChanged()
        onDeltas(deltas)
    }

    // MARK: Reading

    public var all: [PolicyInfo] {
        lock.lock()
        defer { lock.unlock() }
        return policies.values.sorted { $0.name < $1.name }
    }

    /// The policy with this id or name.
    public func policy(_ idOrName: String) throws(CatalogError) -> PolicyInfo {
        lock.lock()
        defer { lock.unlock() }
        guard let policy = find(idOrName) else { throw .policyNotFound(idOrName) }
        return policy
    }

    public func rules(of idOrName: String) throws(CatalogError) -> [RuleInfo] {
        lock.lock()
        defer { lock.unlock() }
        guard let policy = find(idOrName) else { throw .policyNotFound(idOrName) }
        return rulesByPolicy[policy.id] ?? []
    }

    public func rule(_ ruleIDOrName: String, of idOrName: String) throws(CatalogError) -> RuleInfo {
        let rules = try rules(of: idOrName)
        guard
            let rule = rules.first(where: { $0.id == ruleIDOrName }) ?? rules.first(where: { $0.name == ruleIDOrName })
        else { throw .ruleNotFound(policy: idOrName, rule: ruleIDOrName) }
        return rule
    }

    private func find(_ idOrName: String) -> PolicyInfo? {
        policies[idOrName] ?? policies.values.first { $0.name == idOrName }
    }

    // MARK: Policies

    /// Creates a policy, with its rules inserted as one batch: a rule that fails a check leaves
    /// no policy behind.
    @discardableResult
    public func createPolicy(
        name: String?, abbreviation: String? = nil, description: String? = nil, kind: String? = nil,
        rules: [LibraryPolicy.Rule] = [], mode: String = "dry-run", ownerID: String = "user", by actor: Actor
    ) throws(CatalogError) -> (PolicyInfo, [RuleInfo]) {
        guard let name, !name.isEmpty else { throw .nameMissing }
        try Self.validate(name: name)
        let kindName = kind ?? "nonrecursive"
        guard let policyKind = PolicyKind(rawValue: kindName), policyKind != .datasource else {
            throw .invalidKind(kindName)
        }
        if let abbreviation, abbreviation.count > 5 { throw .abbreviationTooLong(abbreviation) }
        guard Self.modes.contains(mode) else { throw .invalidMode(mode) }

        lock.lock()
        defer { lock.unlock() }
        if find(name) != nil { throw .duplicatePolicy(name) }
        let info = PolicyInfo(
            id: UUID().uuidString.lowercased(), name: name, abbreviation: abbreviation ?? String(name.prefix(5)),
            description: description ?? "", ownerID: ownerID, kind: policyKind, mode: mode)
        var statements: [(LibraryPolicy.Rule, Rule)] = []
        for rule in rules {
            let parsed = try Self.parseNew(rule.rule)
            statements.append((rule, parsed))
        }
        let infos = statements.map { rule, statement in
            RuleInfo(
                id: UUID().uuidString.lowercased(), policyID: info.id, name: rule.name, comment: rule.comment,
                text: rule.rule)
        }

        let deltas: [TableDelta]
        do {
            deltas = try engine.withRuntime { runtime throws(DatalogError) in
                try runtime.createPolicy(name, kind: policyKind)
                do throws(DatalogError) {
                    return try runtime.apply(
                        statements.map { PolicyChange(policy: name, statement: $0.1, insert: true) })
                } catch {
                    _ = try? runtime.deletePolicy(name)
                    throw error
                }
            }
        } catch {
            let message = "\(error)"
            let culprit = statements.first {
                message.contains($0.1.description) || message.contains($0.1.head.description)
            }
            throw .ruleSyntax(error, text: (culprit ?? statements.first)?.0.rule ?? "")
        }
        do {
            try persistence.createPolicy(info, rules: infos, by: actor)
        } catch {
            let undo = engine.withRuntime { try? $0.deletePolicy(name) }
            onDeltas(PolicyEngine.merge(deltas + (undo ?? [])))
            throw .storage("\(error)")
        }
        policies[info.id] = info
        rulesByPolicy[info.id] = infos
        modesChanged()
        onDeltas(deltas)
        return (info, infos)
    }

    @discardableResult
    public func deletePolicy(_ idOrName: String, by actor: Actor) throws(CatalogError) -> PolicyInfo {
        lock.lock()
        defer { lock.unlock() }
        guard let policy = find(idOrName) else { throw .policyNotFound(idOrName) }
        if PolicyEngine.systemPolicies.contains(where: { $0.name == policy.name }) {
            throw .systemPolicy(policy.name)
        }
        do {
            try persistence.deletePolicy(policy, by: actor)
        } catch {
            throw .storage("\(error)")
        }
        let deltas = engine.withRuntime { (try? $0.deletePolicy(policy.name)) ?? [] }
        policies[policy.id] = nil
        rulesByPolicy[policy.id] = nil
        modesChanged()
        onDeltas(deltas)
        return policy
    }

    /// Sets how the policy's actions are carried out.
    @discardableResult
    public func setMode(_ idOrName: String, mode: String, by actor: Actor) throws(CatalogError) -> PolicyInfo {
        guard Self.modes.contains(mode) else { throw .invalidMode(mode) }
        lock.lock()
        defer { lock.unlock() }
        guard var policy = find(idOrName) else { throw .policyNotFound(idOrName) }
        policy.mode = mode
        do {
            try persistence.setMode(policy, by: actor)
        } catch {
            throw .storage("\(error)")
        }
        policies[policy.id] = policy
        modesChanged()
        return policy
    }

    /// Checks a policy name with the engine's rule for names that rules can reference.
    public static func validate(name: String) throws(CatalogError) {
        do {
            try PolicyRuntime.validatePolicyName(name)
        } catch {
            if case .invalidPolicyName(_, let reason) = error { throw .invalidName(name: name, reason: reason) }
            throw .invalidName(name: name, reason: "\(error)")
        }
    }

    // MARK: Rules

    /// Parses `text` as exactly one statement.
    static func parseOne(_ text: String) throws(CatalogError) -> Rule {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .emptyRule }
        let statements: [Rule]
        do {
            statements = try Parser.parse(text)
        } catch {
            throw .ruleSyntax(error, text: text)
        }
        if statements.isEmpty { throw .emptyRule }
        if statements.count > 1 { throw .multipleRules(count: statements.count) }
        return statements[0]
    }

    /// The maximum number of body literals in a rule that a request may insert, far above what
    /// policies use. Compiling a rule takes time that grows faster than linearly with its body
    /// (2,000 literals took about 9 s through `agora serve`, debug build, two busy cores), and
    /// the engine is locked meanwhile.
    public static let maxBodyLiterals = 256

    /// Parses the text of a rule to insert: one statement, with at most `maxBodyLiterals` body
    /// literals. Rules already stored are read with `parseOne`, so that an old rule over the
    /// limit can still be deleted.
    static func parseNew(_ text: String) throws(CatalogError) -> Rule {
        let rule = try parseOne(text)
        if rule.body.count > maxBodyLiterals { throw .ruleTooLarge(literals: rule.body.count, limit: maxBodyLiterals) }
        return rule
    }

    /// Equal for rules with the same heads and the same set of body literals, as Congress compares them.
    static func identity(_ rule: Rule) -> String {
        rule.heads.map(\.description).joined(separator: ", ") + " :- "
            + Set(rule.body.map(\.description)).sorted().joined(separator: ", ")
    }

    /// Inserts one rule; an identical rule already present is refused with its id.
    public func addRule(
        _ text: String, to idOrName: String, name: String? = nil, comment: String? = nil, by actor: Actor
    ) throws(CatalogError) -> RuleInfo {
        let statement = try Self.parseNew(text)
        lock.lock()
        defer { lock.unlock() }
        guard let policy = find(idOrName) else { throw .policyNotFound(idOrName) }
        let identity = Self.identity(statement)
        let existing = rulesByPolicy[policy.id, default: []].first { rule in
            (try? Self.parseOne(rule.text)).map(Self.identity) == identity
        }
        if let existing {
            throw .ruleExists(id: existing.id)
        }
        let deltas: [TableDelta]
        do {
            deltas = try engine.withRuntime { runtime throws(DatalogError) in
                try runtime.apply([PolicyChange(policy: policy.name, statement: statement, insert: true)])
            }
        } catch {
            throw .ruleSyntax(error, text: text)
        }
        let info = RuleInfo(
            id: UUID().uuidString.lowercased(), policyID: policy.id, name: name ?? "", comment: comment ?? "",
            text: text)
        do {
            try persistence.addRule(info, by: actor)
        } catch {
            let undo = engine.withRuntime {
                try? $0.apply([PolicyChange(policy: policy.name, statement: statement, insert: false)])
            }
            onDeltas(PolicyEngine.merge(deltas + (undo ?? [])))
            throw .storage("\(error)")
        }
        rulesByPolicy[policy.id, default: []].append(info)
        onDeltas(deltas)
        return info
    }

    @discardableResult
    public func deleteRule(_ ruleIDOrName: String, from idOrName: String, by actor: Actor) throws(CatalogError)
        -> RuleInfo
    {
        lock.lock()
        defer { lock.unlock() }
        guard let policy = find(idOrName) else { throw .policyNotFound(idOrName) }
        let rules = rulesByPolicy[policy.id] ?? []
        guard
            let rule = rules.first(where: { $0.id == ruleIDOrName }) ?? rules.first(where: { $0.name == ruleIDOrName })
        else { throw .ruleNotFound(policy: policy.name, rule: ruleIDOrName) }
        do {
            try persistence.deleteRule(rule, by: actor)
        } catch {
            throw .storage("\(error)")
        }
        let statement = try Self.parseOne(rule.text)
        let deltas = engine.withRuntime {
            (try? $0.apply([PolicyChange(policy: policy.name, statement: statement, insert: false)])) ?? []
        }
        rulesByPolicy[policy.id]?.removeAll { $0.id == rule.id }
        onDeltas(deltas)
        return rule
    }
}
