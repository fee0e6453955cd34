/// The `AppliedChange.kind` values that the backends write, and the text forms of the states
/// they record in `before` and `after`.
public enum ChangeKind: String, Sendable, CaseIterable {
    /// A port's security groups: the group ids, comma-separated (empty for none).
    case portSecurityGroups = "port_security_groups"
    /// A port's `admin_state_up`: `up` or `down`.
    case portAdminState = "port_admin_state"
    /// A server's Nova status, such as `ACTIVE` before a pause and `PAUSED` after it.
    case serverStatus = "server_status"
    /// A server's lock: `locked` or `unlocked`.
    case serverLock = "server_lock"
    /// An address in Agora's nftables sets: `absent` or `present`.
    case nftElement = "nft_element"

    /// Joins group ids for `before` and `after`. Neutron's ids are UUIDs, so they never contain a comma.
    public static func text(groups: [String]) -> String {
        groups.joined(separator: ",")
    }

    /// Splits a group list written by `text(groups:)`.
    public static func groups(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }

    public static func text(adminStateUp: Bool) -> String {
        adminStateUp ? "up" : "down"
    }

    public static func text(locked: Bool) -> String {
        locked ? "locked" : "unlocked"
    }
}
