/// A request to run an action, read from a new row of an `execute[...]` table.
public struct ActionCall: Hashable, Sendable {
    /// The policy whose rule requested the action.
    public var policy: String
    /// The service that runs it; the policy itself when the rule named none.
    public var service: String
    public var action: String
    public var arguments: [Value]

    public init(policy: String, service: String, action: String, arguments: [Value]) {
        self.policy = policy
        self.service = service
        self.action = action
        self.arguments = arguments
    }

    /// The calls that the inserted rows of `execute[...]` tables in `deltas` request.
    public static func calls(in deltas: [TableDelta]) -> [ActionCall] {
        var result: [ActionCall] = []
        for delta in deltas {
            guard let target = parse(table: delta.table) else { continue }
            for row in delta.inserted {
                result.append(
                    ActionCall(policy: target.policy, service: target.service, action: target.action, arguments: row))
            }
        }
        return result
    }

    /// Splits `policy:execute[service:action]` (or `policy:execute[action]`) into its parts.
    public static func parse(table: String) -> (policy: String, service: String, action: String)? {
        guard let colon = table.firstIndex(of: ":"), table.hasSuffix("]") else { return nil }
        let rest = table[table.index(after: colon)...]
        guard rest.hasPrefix("execute[") else { return nil }
        let policy = String(table[..<colon])
        let inner = rest.dropFirst("execute[".count).dropLast()
        if let colon = inner.firstIndex(of: ":") {
            return (policy, String(inner[..<colon]), String(inner[inner.index(after: colon)...]))
        }
        return (policy, policy, String(inner))
    }
}
