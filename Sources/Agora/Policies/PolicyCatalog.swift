import Datalog
import Foundation

/// A policy as the API lists it.
public struct PolicyInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var abbreviation: String
    public var description: String
    public var ownerID: String
    public var kind: PolicyKind
    /// How `execute[...]` rows of this policy are carried out: monitor, dry-run, approve, enforce.
    public var mode: String

    public init(
        id: String, name: String, abbreviation: String, description: String, ownerID: String, kind: PolicyKind,
        mode: String
    ) {
        self.id = id
        self.name = name
        self.abbreviation = abbreviation
        self.description = description
        self.ownerID = ownerID
        self.kind = kind
        self.mode = mode
    }
}

/// A rule as the API lists it: the text as the operator wrote it, with its name and comment.
public struct RuleInfo: Sendable, Equatable {
    public var id: String
    public var policyID: String
    public var name: String
    public var comment: String
    public var text: String

    public init(id: String, policyID: String, name: String, comment: String, text: String) {
        self.id = id
        self.policyID = policyID
        self.name = name
        self.comment = comment
        self.text = text
    }
}

/// Who asked for a change, for the audit log.
public struct Actor: Sendable, Equatable {
    public var user: String
    public var project: String?

    public init(user: String, project: String? = nil) {
        self.user = user
        self.project = project
    }

    public static let system = Actor(user: "agora")
}

/// Where the catalog keeps policies and rules across restarts. Every method is one transaction.
public protocol PolicyPersistence: Sendable {
    func loadPolicies() throws -> [(PolicyInfo, [RuleInfo])]
    func createPolicy(_ policy: PolicyInfo, rules: [RuleInfo], by actor: Actor) throws
    func deletePolicy(_ policy: PolicyInfo, by actor: Actor) throws
    func addRule(_ rule: RuleInfo, by actor: Actor) throws
    func deleteRule(_ rule: RuleInfo, by actor: Actor) throws
    func setMode(_ policy: PolicyInfo, by actor: Actor) throws
}

/// Why the catalog refused a request. The API maps each case to Congress's status and code.
public enum CatalogError: Error, Equatable, CustomStringConvertible {
    case policyNotFound(String)
    case ruleNotFound(policy: String, rule: String)
    case nameMissing
    case invalidName(name: String, reason: String)
    case invalidKind(String)
    case invalidMode(String)
    case abbreviationTooLong(String)
    case duplicatePolicy(String)
    case systemPolicy(String)
    case ruleSyntax(DatalogError, text: String)
    case emptyRule
    case multipleRules(count: Int)
    case ruleTooLarge(literals: Int, limit: Int)
    case ruleExists(id: String)
    case rulesNotPermitted(policy: String)
    case storage(String)

    public var description: String {
        switch self {
        case .policyNotFound(let name): return "No policy found with name or id \(name)"
        case .ruleNotFound(let policy, let rule): return "No rule \(rule) in policy \(policy)"
        case .nameMissing: return "A name must be provided when creating a policy"
        case .invalidName(let name, let reason): return "Invalid policy name '\(name)': \(reason)"
        case .invalidKind(let kind):
            return "Invalid policy kind '\(kind)'; use one of nonrecursive, materialized, action, database"
        case .invalidMode(let mode): return "Invalid mode '\(mode)'; use monitor, dry-run, approve or enforce"
        case .abbreviationTooLong(let text):
            return "The policy abbreviation '\(text)' is longer than 5 characters"
        case .duplicatePolicy(let name): return "A policy named \(name) already exists"
        case .systemPolicy(let name): return "Cannot delete system-maintained policy \(name)"
        case .ruleSyntax(let error, _): return "\(error)"
        case .emptyRule: return "Empty string passed. Not a valid rule"
        case .multipleRules(let count): return "Received \(count) statements; send one rule per request"
        case .ruleTooLarge(let literals, let limit):
            return "The rule has \(literals) body literals; the limit is \(limit). Split it into several rules"
        case .ruleExists(let id): return "Rule already exists with id \(id)"
        case .rulesNotPermitted(let policy): return "Rules not permitted on data-source policy \(policy)"
        case .storage(let message): return "The store refused the change: \(message)"
        }
    }
}
