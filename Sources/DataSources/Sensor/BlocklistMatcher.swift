import Datalog

/// The blocklist entry a destination matched: the network as the feed listed it, and the feed.
public struct BlocklistMatch: Hashable, Sendable {
    public var network: IPNetwork
    public var feed: String
    public var category: String
}

/// Looks up addresses in loaded blocklists, exact hosts and CIDR networks alike.
///
/// Entries are kept in one hash table per prefix length, keyed by the masked network address, so
/// a lookup costs one masked hash probe per distinct prefix length in the loaded feeds (most
/// specific first) and allocates nothing. When several feeds list the same network, the first
/// loaded wins the report.
public struct BlocklistMatcher: Sendable {
    private struct PrefixTable: Sendable {
        /// The prefix length out of 128 bits (IPv4 prefixes are stored IPv4-mapped, so +96).
        var bits: Int
        var maskHigh: UInt64
        var maskLow: UInt64
        var entries: [IPAddress: Int]
    }

    private var tables: [PrefixTable] = []
    private var matches: [BlocklistMatch] = []

    public init() {}

    /// Builds a matcher over the entries of every feed without a `rejectionReason`.
    public init(feeds: [LoadedFeed]) {
        for feed in feeds where feed.rejectionReason == nil {
            for entry in feed.entries {
                insert(entry, feed: feed.name)
            }
        }
    }

    /// The number of distinct networks loaded.
    public var count: Int { matches.count }

    public var isEmpty: Bool { matches.isEmpty }

    public mutating func insert(_ entry: BlocklistEntry, feed: String) {
        let network = entry.network
        let bits = network.address.isIPv4 ? network.prefixLength + 96 : network.prefixLength
        let tableIndex: Int
        if let existing = tables.firstIndex(where: { $0.bits == bits }) {
            tableIndex = existing
        } else {
            let mask = Self.mask(bits: bits)
            tables.append(PrefixTable(bits: bits, maskHigh: mask.high, maskLow: mask.low, entries: [:]))
            tables.sort { $0.bits > $1.bits }
            tableIndex = tables.firstIndex(where: { $0.bits == bits })!
        }
        guard tables[tableIndex].entries[network.address] == nil else { return }
        tables[tableIndex].entries[network.address] = matches.count
        matches.append(BlocklistMatch(network: network, feed: feed, category: entry.category))
    }

    /// Returns the most specific loaded network that contains `address`, or nil.
    @inline(__always)
    public func match(_ address: IPAddress) -> BlocklistMatch? {
        for table in tables {
            let key = IPAddress(high: address.high & table.maskHigh, low: address.low & table.maskLow)
            if let index = table.entries[key] {
                return matches[index]
            }
        }
        return nil
    }

    private static func mask(bits: Int) -> (high: UInt64, low: UInt64) {
        let high: UInt64 = bits >= 64 ? .max : (bits == 0 ? 0 : ~UInt64(0) << UInt64(64 - bits))
        let lowBits = max(0, bits - 64)
        let low: UInt64 = lowBits >= 64 ? .max : (lowBits == 0 ? 0 : ~UInt64(0) << UInt64(64 - lowBits))
        return (high, low)
    }
}
