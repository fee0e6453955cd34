/// The nft scripts of Agora's own table. Every script touches `inet agora` alone and runs as one
/// `nft -f -` transaction, which the kernel applies whole or not at all.
enum NftablesScript {
    static let family = "inet"
    static let table = "agora"
    static let ipv4Set = "blocked4"
    static let ipv6Set = "blocked6"
    /// Elements per `add element` statement; one transaction may hold many statements.
    static let elementsPerStatement = 1000

    /// Creates the table, both sets and the three chains when missing, and rewrites the chains'
    /// rules. Existing set elements are kept, so running it again is safe.
    static func setup() -> String {
        var lines = [
            "add table \(family) \(table)",
            "add set \(family) \(table) \(ipv4Set) { type ipv4_addr; flags timeout; }",
            "add set \(family) \(table) \(ipv6Set) { type ipv6_addr; flags timeout; }",
        ]
        // Priority filter - 10 runs these chains before a host's usual filter chains.
        for hook in ["input", "forward", "output"] {
            lines.append(
                "add chain \(family) \(table) \(hook) { type filter hook \(hook) priority filter - 10; policy accept; }"
            )
            lines.append("flush chain \(family) \(table) \(hook)")
            for (match, set) in [("ip", ipv4Set), ("ip6", ipv6Set)] {
                for direction in ["saddr", "daddr"] {
                    lines.append("add rule \(family) \(table) \(hook) \(match) \(direction) @\(set) drop")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Adds canonical addresses to their sets, each with `timeoutSeconds` or with no timeout.
    static func add(_ addresses: [(address: String, isIPv6: Bool)], timeoutSeconds: Int?) -> String {
        let suffix = timeoutSeconds.map { " timeout \($0)s" } ?? ""
        return statements("add", addresses) { $0 + suffix }
    }

    /// Deletes canonical addresses from their sets. Each must be present, or nft rejects the whole script.
    static func delete(_ addresses: [(address: String, isIPv6: Bool)]) -> String {
        statements("delete", addresses) { $0 }
    }

    private static func statements(
        _ verb: String, _ addresses: [(address: String, isIPv6: Bool)], element: (String) -> String
    ) -> String {
        var script = ""
        for (set, isIPv6) in [(ipv4Set, false), (ipv6Set, true)] {
            let members = addresses.filter { $0.isIPv6 == isIPv6 }.map { element($0.address) }
            var start = 0
            while start < members.count {
                let end = min(start + elementsPerStatement, members.count)
                script += "\(verb) element \(family) \(table) \(set) { "
                script += members[start..<end].joined(separator: ", ")
                script += " }\n"
                start = end
            }
        }
        return script
    }
}
