import Datalog

/// The tables the blocklist driver publishes.
public enum BlocklistTables {
    /// `ids:ip_blacklist(ip)`: single addresses (host entries) listed by at least one feed, in
    /// canonical text. It lives under `ids` because the compromised-VM policy names it so.
    public static let ipBlacklist = TableSchema(
        name: "ip_blacklist", columns: ["ip"], description: "Addresses that at least one loaded feed lists as a host.")

    /// `blocklist:networks(network, feed, category)`: every loaded entry, hosts as /32 or /128.
    public static let networks = TableSchema(
        name: "networks", columns: ["network", "feed", "category"],
        description: "Networks listed by each feed, in canonical CIDR text, with the feed's category for them.")
}

/// The current entries of every feed, and the deltas that replacing one feed's list causes.
///
/// Replacing a feed computes the new rows first and then swaps them in, so readers see the old
/// or the new list and never a half-loaded one. An address in `ids:ip_blacklist` stays while any
/// feed still lists it.
public struct BlocklistStore: Sendable {
    private var networksByFeed: [String: Set<Row>] = [:]
    private var feedsByAddress: [String: Set<String>] = [:]

    public init() {}

    public var feedNames: [String] { networksByFeed.keys.sorted() }

    /// The `blocklist:networks` rows of one feed.
    public func rows(feed: String) -> Set<Row> { networksByFeed[feed] ?? [] }

    /// The addresses in `ids:ip_blacklist`, sorted.
    public var blacklistedAddresses: [String] { feedsByAddress.keys.sorted() }

    /// Replaces the entries of `feed` and returns the changes to both tables (empty deltas omitted).
    public mutating func replace(feed: String, entries: [BlocklistEntry]) -> [TableDelta] {
        var newRows = Set<Row>()
        var newHosts = Set<String>()
        for entry in entries {
            newRows.insert([.string(entry.network.description), .string(feed), .string(entry.category)])
            if entry.network.prefixLength == (entry.network.address.isIPv4 ? 32 : 128) {
                newHosts.insert(entry.network.address.description)
            }
        }
        let oldRows = networksByFeed[feed] ?? []
        let oldHosts = Set(feedsByAddress.compactMap { $0.value.contains(feed) ? $0.key : nil })

        var addressDelta = TableDelta(table: "ids:ip_blacklist")
        for address in newHosts.subtracting(oldHosts).sorted() {
            if feedsByAddress[address, default: []].isEmpty { addressDelta.inserted.append([.string(address)]) }
            feedsByAddress[address, default: []].insert(feed)
        }
        for address in oldHosts.subtracting(newHosts).sorted() {
            feedsByAddress[address]?.remove(feed)
            if feedsByAddress[address]?.isEmpty == true {
                feedsByAddress[address] = nil
                addressDelta.deleted.append([.string(address)])
            }
        }
        networksByFeed[feed] = newRows.isEmpty ? nil : newRows

        let networkDelta = TableDelta(
            table: "blocklist:networks", inserted: newRows.subtracting(oldRows).sorted(by: rowOrder),
            deleted: oldRows.subtracting(newRows).sorted(by: rowOrder))
        return [addressDelta, networkDelta].filter { !$0.isEmpty }
    }

    /// Removes a feed entirely, as `replace(feed:entries: [])` does.
    public mutating func remove(feed: String) -> [TableDelta] {
        replace(feed: feed, entries: [])
    }
}

private func rowOrder(_ lhs: Row, _ rhs: Row) -> Bool {
    lhs.lexicographicallyPrecedes(rhs)
}
