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
        /// Indexes into `networks` by masked network address.
        var entries: AddressTable
    }

    private var tables: [PrefixTable] = []
    private var networks: [IPNetwork] = []
    /// Indexes into `labels`, one per network; a feed has few distinct (feed, category) pairs.
    private var labelIndexes: [Int32] = []
    private var labels: [Label] = []
    private var labelLookup: [Label: Int32] = [:]

    private struct Label: Hashable, Sendable {
        var feed: String
        var category: String
    }

    public init() {}

    /// Builds a matcher over the entries of every feed without a `rejectionReason`.
    public init(feeds: [LoadedFeed]) {
        var countsByBits = [Int](repeating: 0, count: 129)
        for feed in feeds where feed.rejectionReason == nil {
            for entry in feed.entries {
                countsByBits[Self.bits(of: entry.network)] += 1
            }
        }
        for bits in 0...128 where countsByBits[bits] > 0 {
            let index = tableIndex(bits: bits)
            tables[index].entries = AddressTable(minimumCapacity: countsByBits[bits])
        }
        networks.reserveCapacity(countsByBits.reduce(0, +))
        labelIndexes.reserveCapacity(countsByBits.reduce(0, +))
        for feed in feeds where feed.rejectionReason == nil {
            for entry in feed.entries {
                insert(entry, feed: feed.name)
            }
        }
    }

    /// The number of distinct networks loaded.
    public var count: Int { networks.count }

    public var isEmpty: Bool { networks.isEmpty }

    /// Adds `entry` as listed by `feed`. A network already loaded keeps its first feed and category.
    public mutating func insert(_ entry: BlocklistEntry, feed: String) {
        let network = entry.network
        let table = tableIndex(bits: Self.bits(of: network))
        let next = Int32(networks.count)
        guard tables[table].entries.insertIfAbsent(network.address, value: next) == nil else { return }
        networks.append(network)
        labelIndexes.append(labelIndex(feed: feed, category: entry.category))
    }

    /// Returns the most specific loaded network that contains `address`, or nil.
    @inline(__always)
    public func match(_ address: IPAddress) -> BlocklistMatch? {
        for table in tables {
            let found = table.entries.value(high: address.high & table.maskHigh, low: address.low & table.maskLow)
            if let index = found.map(Int.init) {
                let label = labels[Int(labelIndexes[index])]
                return BlocklistMatch(network: networks[index], feed: label.feed, category: label.category)
            }
        }
        return nil
    }

    private static func bits(of network: IPNetwork) -> Int {
        network.address.isIPv4 ? network.prefixLength + 96 : network.prefixLength
    }

    /// Returns the index of the table for `bits`, adding it when missing; tables stay longest prefix first.
    private mutating func tableIndex(bits: Int) -> Int {
        if let existing = tables.firstIndex(where: { $0.bits == bits }) { return existing }
        let mask = Self.mask(bits: bits)
        tables.append(PrefixTable(bits: bits, maskHigh: mask.high, maskLow: mask.low, entries: AddressTable()))
        tables.sort { $0.bits > $1.bits }
        return tables.firstIndex(where: { $0.bits == bits })!
    }

    private mutating func labelIndex(feed: String, category: String) -> Int32 {
        if let last = labels.last, last.feed == feed, last.category == category {
            return Int32(labels.count - 1)
        }
        let label = Label(feed: feed, category: category)
        if let found = labelLookup[label] { return found }
        let index = Int32(labels.count)
        labels.append(label)
        labelLookup[label] = index
        return index
    }

    private static func mask(bits: Int) -> (high: UInt64, low: UInt64) {
        let high: UInt64 = bits >= 64 ? .max : (bits == 0 ? 0 : ~UInt64(0) << UInt64(64 - bits))
        let lowBits = max(0, bits - 64)
        let low: UInt64 = lowBits >= 64 ? .max : (lowBits == 0 ? 0 : ~UInt64(0) << UInt64(64 - lowBits))
        return (high, low)
    }
}
