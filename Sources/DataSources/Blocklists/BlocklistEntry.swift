import Datalog

/// One network a feed lists, with the category the feed gives it and the line it came from.
public struct BlocklistEntry: Hashable, Sendable {
    public var network: IPNetwork
    public var category: String
    public var line: Int

    public init(network: IPNetwork, category: String, line: Int) {
        self.network = network
        self.category = category
        self.line = line
    }
}

/// A feed line or entry that was not loaded: where it is, the value and why.
public struct FeedRejection: Hashable, Sendable, CustomStringConvertible {
    public var feed: String
    public var line: Int
    public var value: String
    public var reason: String

    public init(feed: String, line: Int, value: String, reason: String) {
        self.feed = feed
        self.line = line
        self.value = value
        self.reason = reason
    }

    public var description: String { "\(feed):\(line): \"\(shorten(value))\": \(reason)" }
}

/// A parser's output: the entries, the rejected lines, and warnings on loaded entries.
public struct ParsedFeed: Sendable {
    public var entries: [BlocklistEntry] = []
    public var rejected: [FeedRejection] = []
    public var warnings: [FeedRejection] = []
    public var linesRead = 0

    public init() {}
}

/// The feed formats Agora reads. `detect(_:)` picks one from a file's first lines.
public enum FeedFormat: String, CaseIterable, Sendable {
    /// One address or CIDR network a line, with `#` or `;` comments: plain lists, Spamhaus
    /// DROP/EDROP (`; SBL...`), FireHOL netset/ipset, ET compromised-ips, Tor exit lists, Snort 3
    /// reputation lists. Entries on one line may also be separated by commas or spaces.
    case plain
    /// DShield block.txt: tab-separated start, end, prefix length, attacks, name, country, e-mail.
    case dshield
    /// abuse.ch Feodo Tracker CSV: `first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware`.
    case feodoCSV
    /// Suricata IP reputation: `address[/prefix],category,score`.
    case suricataReputation
    /// Zeek Intel framework input: `#fields indicator indicator_type meta.source ...`.
    case zeekIntel
    /// A STIX 2.1 bundle: `ipv4-addr`/`ipv6-addr` objects and indicator patterns.
    case stix
    /// A MISP event: `ip-dst` (and `ip-dst|port`) attributes, also inside objects.
    case misp
    /// CrowdSec decisions: `cscli decisions import` JSON or CSV, or LAPI alerts with decisions.
    case crowdsec
    /// fail2ban log lines `NOTICE [jail] Ban a.b.c.d`; a later Unban removes the address.
    case fail2ban
    /// Spamhaus ASN-DROP JSON lines: autonomous systems, so no addresses to load.
    case spamhausASNDrop
}
