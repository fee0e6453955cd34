import Datalog
import OpenStack

/// Proof trees as the API and the dashboard read them: each node has the literal's text, the
/// table, the values, how it holds (`fact`, `rule`, `builtin`, `absence`, `truth`,
/// `truncated`), the rule text when a rule derived it, and its children.
public enum ProofJSON {
    public static func json(_ node: ProofNode, relativeTo policy: String) -> JSON {
        var basis = ""
        var rule: JSON = .null
        switch node.basis {
        case .fact: basis = "fact"
        case .rule(let text):
            basis = "rule"
            rule = .string(text)
        case .builtin: basis = "builtin"
        case .absence: basis = "absence"
        case .truth: basis = "truth"
        case .truncated: basis = "truncated"
        }
        let firstLine = node.rendered(relativeTo: policy).split(separator: "\n").first.map(String.init) ?? ""
        let literal = firstLine.components(separatedBy: "    [").first ?? node.table
        return .object([
            "literal": .string(literal.trimmingCharacters(in: .whitespaces)), "table": .string(node.table),
            "values": .array(node.values.map { .string($0.description) }), "negated": .bool(node.negated),
            "basis": .string(basis), "rule": rule,
            "children": .array(node.children.map { json($0, relativeTo: policy) }),
        ])
    }

    /// The tree as indented text, one literal a line, for terminals; below `maxDepth` levels
    /// a subtree shows as `...`.
    public static func text(_ proof: JSON, indent: String = "", maxDepth: Int = .max) -> String {
        var line = indent + (proof["literal"]?.stringValue ?? "?")
        if let basis = proof["basis"]?.stringValue, basis != "rule" { line += "  [\(basis)]" }
        let children = proof["children"]?.arrayValue ?? []
        if maxDepth <= 1 {
            return children.isEmpty ? line : line + "\n" + indent + "  ..."
        }
        let lines = children.map { text($0, indent: indent + "  ", maxDepth: maxDepth - 1) }
        return ([line] + lines).joined(separator: "\n")
    }
}
