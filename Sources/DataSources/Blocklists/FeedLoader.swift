/// A feed checked against a `FeedPolicy`: the entries to load, or the reason the feed is refused.
public struct LoadedFeed: Sendable {
    public var name: String
    public var format: FeedFormat
    /// Entries that passed the policy; empty when `rejectionReason` is set.
    public var entries: [BlocklistEntry]
    /// Invalid lines plus entries the policy dropped, each with its reason.
    public var rejected: [FeedRejection]
    /// Entries loaded with a remark, such as host bits set below the prefix.
    public var warnings: [FeedRejection]
    public var linesRead: Int
    /// The reason the whole feed was refused, so the previous list stays in force.
    public var rejectionReason: String?
}

/// Parses feeds in any `FeedFormat` and applies a `FeedPolicy`.
public struct FeedLoader: Sendable {
    public var policy: FeedPolicy
    /// Suricata reputation category names by number, from its categories file.
    public var reputationCategories: [Int: String]

    public init(policy: FeedPolicy = FeedPolicy(), reputationCategories: [Int: String] = [:]) {
        self.policy = policy
        self.reputationCategories = reputationCategories
    }

    /// Parses `bytes` as feed `name`; `format` nil detects it. `category` applies to entries whose
    /// format gives none.
    public func load(_ bytes: [UInt8], name: String, format: FeedFormat? = nil, category: String = "blocklist")
        -> LoadedFeed
    {
        let format = format ?? FeedFormat.detect(bytes)
        var parsed: ParsedFeed
        switch format {
        case .stix, .misp, .spamhausASNDrop:
            parsed = JSONFeedParser(feed: name, defaultCategory: category, format: format).parse(bytes)
        case .crowdsec where bytes.first(where: { $0 != 0x20 && $0 != 0x0A }) == UInt8(ascii: "["):
            parsed = JSONFeedParser(feed: name, defaultCategory: category, format: format).parse(bytes)
        default:
            var parser = TextFeedParser(feed: name, defaultCategory: category, format: format)
            parser.reputationCategories = reputationCategories
            parsed = parser.parse(bytes)
        }

        var loaded = LoadedFeed(
            name: name, format: format, entries: [], rejected: parsed.rejected, warnings: parsed.warnings,
            linesRead: parsed.linesRead, rejectionReason: nil)
        if format == .spamhausASNDrop {
            loaded.rejectionReason = "Spamhaus ASN-DROP lists autonomous systems, not addresses; load DROP instead"
            return loaded
        }
        if let reason = policy.feedRejectionReason(parsed) {
            loaded.rejectionReason = reason
            return loaded
        }
        for entry in parsed.entries {
            if let reason = policy.entryRejectionReason(entry) {
                loaded.rejected.append(
                    FeedRejection(feed: name, line: entry.line, value: entry.network.description, reason: reason))
            } else {
                loaded.entries.append(entry)
            }
        }
        if loaded.entries.isEmpty {
            loaded.rejectionReason = "every entry was dropped by the feed policy (\(loaded.rejected.count) dropped)"
        }
        return loaded
    }

    /// Reads a Suricata categories file (`number,short name,description`) into names by number.
    public static func parseReputationCategories(_ bytes: [UInt8]) -> [Int: String] {
        var names: [Int: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let columns = line.split(separator: ",", maxSplits: 2)
            if columns.count >= 2, let number = Int(columns[0]) {
                names[number] = String(columns[1])
            }
        }
        return names
    }
}
