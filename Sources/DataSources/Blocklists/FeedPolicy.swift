import Datalog

/// Rules for what a feed may block. Entries that fail these checks never reach the tables.
///
/// A feed is rejected whole when it has no entries, or lists `/0`, or a prefix shorter than the
/// floor, because such a feed is broken or hostile and isolating on it would cut off every VM.
/// An entry inside or around a special-purpose range (private, loopback, link-local, multicast)
/// or a protected network (tenant subnets, DHCP and router ports) is dropped alone, with a warning.
public struct FeedPolicy: Sendable {
    /// The shortest IPv4 prefix a feed may list (default /8).
    public var minimumIPv4Prefix = 8
    /// The shortest IPv6 prefix a feed may list (default /16).
    public var minimumIPv6Prefix = 16
    /// Networks that no entry may overlap, with a name for messages, such as a tenant subnet.
    public var protectedNetworks: [(network: IPNetwork, name: String)] = []
    /// Whether entries overlapping special-purpose ranges are dropped (the default).
    public var dropSpecialPurposeRanges = true
    /// Whether any rejected line rejects the whole list, as an allowlist needs.
    public var rejectOnAnyError = false

    public init() {}

    /// The policy for an allowlist: any invalid line rejects the list, and no floor or
    /// special-purpose check applies, because allowing a private range is a normal need.
    public static var allowlist: FeedPolicy {
        var policy = FeedPolicy()
        policy.minimumIPv4Prefix = 1
        policy.minimumIPv6Prefix = 1
        policy.dropSpecialPurposeRanges = false
        policy.rejectOnAnyError = true
        return policy
    }

    /// Special-purpose ranges (RFC 6890) that a public blocklist has no business listing.
    public static let specialPurposeRanges: [(network: IPNetwork, name: String)] = [
        ("0.0.0.0/8", "this-network range"), ("10.0.0.0/8", "private range"), ("100.64.0.0/10", "shared CGN range"),
        ("127.0.0.0/8", "loopback range"), ("169.254.0.0/16", "link-local range (metadata service)"),
        ("172.16.0.0/12", "private range"), ("192.168.0.0/16", "private range"), ("224.0.0.0/4", "multicast range"),
        ("240.0.0.0/4", "reserved range"), ("::/128", "unspecified address"), ("::1/128", "loopback address"),
        ("fc00::/7", "unique local range"), ("fe80::/10", "link-local range"), ("ff00::/8", "multicast range"),
    ].map { (IPNetwork($0.0)!, $0.1) }

    /// Returns the reason to reject the whole feed, or nil when it may load.
    public func feedRejectionReason(_ parsed: ParsedFeed) -> String? {
        if rejectOnAnyError, let first = parsed.rejected.first {
            return
                "\(parsed.rejected.count) invalid line(s), first \(first); fix them, the previous list stays in force"
        }
        guard !parsed.entries.isEmpty else {
            return "the feed has no entries (\(parsed.linesRead) lines read); an empty download is treated as an error"
        }
        for entry in parsed.entries {
            let isIPv4 = entry.network.address.isIPv4
            if entry.network.prefixLength == 0 {
                return "line \(entry.line) lists \(entry.network), the whole \(isIPv4 ? "IPv4" : "IPv6") space"
            }
            let floor = isIPv4 ? minimumIPv4Prefix : minimumIPv6Prefix
            if entry.network.prefixLength < floor {
                return "line \(entry.line) lists \(entry.network), shorter than the /\(floor) floor for "
                    + "\(isIPv4 ? "IPv4" : "IPv6"); lower the floor only if the feed is trusted"
            }
        }
        return nil
    }

    /// Returns the reason to drop one entry, or nil when it may load.
    public func entryRejectionReason(_ entry: BlocklistEntry) -> String? {
        for (network, name) in protectedNetworks where network.overlaps(entry.network) {
            return "overlaps protected network \(network) (\(name))"
        }
        guard dropSpecialPurposeRanges else { return nil }
        for (network, name) in Self.specialPurposeRanges where network.overlaps(entry.network) {
            return "overlaps \(network), a \(name)"
        }
        return nil
    }
}
