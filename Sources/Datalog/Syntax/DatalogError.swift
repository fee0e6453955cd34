/// Every error the policy language reports: parse errors, failed compile-time checks and
/// refused updates. Each case carries the offending value and, where there is one, its
/// position in the policy text.
///
/// `kind` is the machine-readable category (`unsafe_head`, `recursion`, ...). `message` keeps
/// Congress's wording as its first sentence where Congress had one, so that scripts written
/// against Congress keep matching, and then says what to do.
public enum DatalogError: Error, Hashable, Sendable {
    case parse(message: String, at: SourceLocation)
    case unsafeHead(variable: String, rule: String, at: SourceLocation)
    case unsafeNegation(literal: String, variables: [String], rule: String, at: SourceLocation)
    case unsafeBuiltin(literal: String, variables: [String], rule: String, at: SourceLocation)
    case recursion(cycle: [String], at: SourceLocation)
    case negativeCycle(cycle: [String], at: SourceLocation)
    case arity(literal: String, given: Int, expected: Int, at: SourceLocation)
    case shortHead(literal: String, given: Int, expected: Int, padding: String, at: SourceLocation)
    case unknownColumn(literal: String, column: String, at: SourceLocation)
    case columnIndexTooLarge(literal: String, index: Int, at: SourceLocation)
    case duplicateColumn(literal: String, column: String, at: SourceLocation)
    case positionalAfterReference(literal: String, at: SourceLocation)
    case unknownTable(literal: String, table: String, policy: String, at: SourceLocation)
    case unknownSchema(literal: String, policy: String, at: SourceLocation)
    case columnReferenceNeedsDatasource(literal: String, policy: String, at: SourceLocation)
    case headReferencesPolicy(head: String, rule: String, at: SourceLocation)
    case factReferencesPolicy(atom: String, service: String, at: SourceLocation)
    case modalInBody(modal: String, literal: String, at: SourceLocation)
    case modalNotPermitted(modal: String, literal: String, at: SourceLocation)
    case multipleHeadsWithModal(rule: String, at: SourceLocation)
    case builtinNameConflict(table: String, at: SourceLocation)
    case unknownBuiltin(name: String, arity: Int, at: SourceLocation)
    case factNotGround(atom: String, at: SourceLocation)
    case multipleHeads(rule: String, at: SourceLocation)
    case ruleNotPermitted(rule: String, policyKind: String, at: SourceLocation)
    case invalidAggregate(rule: String, reason: String, at: SourceLocation)
    case updateTableNotPermitted(atom: String, at: SourceLocation)
    case unknownPolicy(name: String)
    case policyExists(name: String)
    case invalidPolicyName(name: String, reason: String)
    case invalidQuery(text: String, reason: String)
    case invalidSequence(formula: String, reason: String, at: SourceLocation)

    /// The machine-readable error category.
    public var kind: String {
        switch self {
        case .parse: return "parse"
        case .unsafeHead: return "unsafe_head"
        case .unsafeNegation: return "unsafe_negation"
        case .unsafeBuiltin: return "unsafe_builtin"
        case .recursion, .negativeCycle: return "recursion"
        case .arity, .shortHead: return "arity"
        case .unknownColumn, .columnIndexTooLarge, .duplicateColumn, .positionalAfterReference:
            return "unknown_column"
        case .unknownTable, .unknownSchema: return "unknown_table"
        case .columnReferenceNeedsDatasource: return "colref_needs_datasource"
        case .headReferencesPolicy, .factReferencesPolicy: return "head_references_policy"
        case .modalInBody: return "modal_in_body"
        case .modalNotPermitted, .multipleHeadsWithModal: return "modal_not_permitted"
        case .builtinNameConflict: return "builtin_name_conflict"
        case .unknownBuiltin: return "unknown_builtin"
        case .factNotGround: return "fact_not_ground"
        case .multipleHeads, .ruleNotPermitted: return "non_datalog"
        case .invalidAggregate: return "aggregate"
        case .updateTableNotPermitted: return "update_table"
        case .unknownPolicy: return "unknown_policy"
        case .policyExists: return "policy_exists"
        case .invalidPolicyName: return "invalid_name"
        case .invalidQuery: return "invalid_query"
        case .invalidSequence: return "invalid_sequence"
        }
    }

    /// The position of the offending text, when the error comes from policy text.
    public var location: SourceLocation? {
        switch self {
        case .parse(_, let at), .unsafeHead(_, _, let at), .unsafeNegation(_, _, _, let at),
            .unsafeBuiltin(_, _, _, let at), .recursion(_, let at), .negativeCycle(_, let at),
            .arity(_, _, _, let at), .shortHead(_, _, _, _, let at), .unknownColumn(_, _, let at),
            .columnIndexTooLarge(_, _, let at), .duplicateColumn(_, _, let at),
            .positionalAfterReference(_, let at), .unknownTable(_, _, _, let at), .unknownSchema(_, _, let at),
            .columnReferenceNeedsDatasource(_, _, let at), .headReferencesPolicy(_, _, let at),
            .factReferencesPolicy(_, _, let at), .modalInBody(_, _, let at), .modalNotPermitted(_, _, let at),
            .multipleHeadsWithModal(_, let at), .builtinNameConflict(_, let at), .unknownBuiltin(_, _, let at),
            .factNotGround(_, let at), .multipleHeads(_, let at), .ruleNotPermitted(_, _, let at),
            .invalidAggregate(_, _, let at), .updateTableNotPermitted(_, let at), .invalidSequence(_, _, let at):
            return at
        case .unknownPolicy, .policyExists, .invalidPolicyName, .invalidQuery:
            return nil
        }
    }

    /// A one-line message that names the offending value and says how to fix it.
    public var message: String {
        switch self {
        case .parse(let message, _):
            return "Parse failure: \(message)"
        case .unsafeHead(let variable, let rule, _):
            return "Variable \(variable) found in head but not in body, rule \(rule); "
                + "bind \(variable) in a positive body literal"
        case .unsafeNegation(let literal, let variables, let rule, _):
            let names = variables.joined(separator: ", ")
            return "Could not reorder rule \(rule).  Unsafe lits: \(literal) (vars \(names)); "
                + "each variable of a negated literal must also occur in a positive literal, or be written _"
        case .unsafeBuiltin(let literal, let variables, let rule, _):
            let names = variables.joined(separator: ", ")
            return "Could not reorder rule \(rule).  Unsafe lits: \(literal) (vars \(names)); "
                + "bind the inputs of a built-in in a positive literal before it"
        case .recursion(let cycle, _):
            return "Rules are recursive: \(cycle.joined(separator: " -> ")); "
                + "recursion is allowed only among tables of materialized policies"
        case .negativeCycle(let cycle, _):
            return "Rules are recursive through negation or an aggregate: \(cycle.joined(separator: " -> ")); "
                + "a table may not depend on its own negation or aggregate"
        case .arity(let literal, let given, let expected, _):
            return "Literal \(literal) contained \(given) arguments but exactly \(expected) arguments are permitted; "
                + "a table's width is fixed by its schema or by its first use (`agora schema` lists the data sources)"
        case .shortHead(let literal, let given, let expected, let padding, _):
            return "Head \(literal) contained \(given) arguments but exactly \(expected) arguments are permitted; "
                + "padding it would leave variable \(padding) found in head but not in body"
        case .unknownColumn(let literal, let column, _):
            return "In literal \(literal) column name \(column) does not exist; `agora schema` lists the columns"
        case .columnIndexTooLarge(let literal, let index, _):
            return "In literal \(literal) column index \(index) is too large"
        case .duplicateColumn(let literal, let column, _):
            return "In literal \(literal) column \(column) is given more than once"
        case .positionalAfterReference(let literal, _):
            return "Atom \(literal) has a positional parameter after a reference parameter; put positional ones first"
        case .unknownTable(let literal, let table, let policy, _):
            return "Literal \(literal) uses unknown table \(table) from policy \(policy)"
        case .unknownSchema(let literal, let policy, _):
            return "Literal \(literal) uses named arguments, but the schema of \(policy) is unknown; "
                + "create the data source \(policy) first"
        case .columnReferenceNeedsDatasource(let literal, let policy, _):
            return "Literal \(literal) uses column references, but '\(policy)' does not reference a datasource policy"
        case .headReferencesPolicy(let head, let rule, _):
            return "Non-modal rule head \(head) should not reference any policy: \(rule)"
        case .factReferencesPolicy(let atom, let service, _):
            return "Fact \(atom) should not reference any policy: \(service)"
        case .modalInBody(let modal, let literal, _):
            return "Modals not allowed in the rule body; found \(modal) in body literal \(literal)"
        case .modalNotPermitted(let modal, let literal, _):
            return "Only 'execute' modal is allowed; found \(modal) in head \(literal)"
        case .multipleHeadsWithModal(let rule, _):
            return "May not have multiple rule heads with a modal: \(rule)"
        case .builtinNameConflict(let table, _):
            return "Conflict with built-in tablename: \(table)"
        case .unknownBuiltin(let name, let arity, _):
            let arities = Builtins.all.filter { $0.name == name }.map(\.arity)
            if !arities.isEmpty {
                let counts = arities.map(String.init).joined(separator: " or ")
                return "Built-in builtin:\(name) takes \(counts) arguments, not \(arity)"
            }
            let names = Set(Builtins.all.map(\.name)).sorted().joined(separator: ", ")
            return "Unknown built-in builtin:\(name) with \(arity) arguments; the built-ins are \(names)"
        case .factNotGround(let atom, _):
            return "Fact not ground: \(atom); a fact holds constants only (a missing comma in a rule body also "
                + "makes its next literal a separate fact)"
        case .multipleHeads(let rule, _):
            return "Non-formula found: \(rule); write one rule per head"
        case .ruleNotPermitted(let rule, let policyKind, _):
            return "Non-atomic formula is not permitted: \(rule); a \(policyKind) holds ground facts only"
        case .invalidAggregate(let rule, let reason, _):
            return "Invalid aggregate in rule \(rule): \(reason)"
        case .updateTableNotPermitted(let atom, _):
            return "Update table \(atom) is allowed only in action policies and simulate sequences"
        case .unknownPolicy(let name):
            return "Unknown policy \(name)"
        case .policyExists(let name):
            return "Policy \(name) already exists"
        case .invalidPolicyName(let name, let reason):
            return "Invalid policy name \(quote(name)): \(reason)"
        case .invalidQuery(let text, let reason):
            return "Invalid query \(text): \(reason)"
        case .invalidSequence(let formula, let reason, _):
            return "Sequence contained \(reason): \(formula)"
        }
    }
}

extension DatalogError: CustomStringConvertible {
    /// `LINE:COL: error: KIND: message`, or `error: KIND: message` without a position.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)error: \(kind): \(message)"
    }
}
