import Datalog
import Testing

@testable import DataSources

@Suite struct BlocklistStoreTests {
    func entries(_ texts: [String], category: String = "c2") -> [BlocklistEntry] {
        texts.enumerated().map {
            BlocklistEntry(network: IPNetwork($0.element)!, category: category, line: $0.offset + 1)
        }
    }

    @Test func addressSurvivesOneFeedDropping() {
        var store = BlocklistStore()
        let first = store.replace(feed: "a", entries: entries(["203.0.113.66", "198.51.100.0/24"]))
        #expect(first.first { $0.table == "ids:ip_blacklist" }?.inserted == [[.string("203.0.113.66")]])
        #expect(first.first { $0.table == "blocklist:networks" }?.inserted.count == 2)

        let second = store.replace(feed: "b", entries: entries(["203.0.113.66"], category: "tor"))
        #expect(second.map(\.table) == ["blocklist:networks"])
        #expect(second.first?.inserted == [[.string("203.0.113.66/32"), .string("b"), .string("tor")]])

        let dropped = store.replace(feed: "a", entries: entries(["198.51.100.0/24"]))
        #expect(dropped.map(\.table) == ["blocklist:networks"])
        #expect(dropped.first?.deleted == [[.string("203.0.113.66/32"), .string("a"), .string("c2")]])
        #expect(store.blacklistedAddresses == ["203.0.113.66"])

        let gone = store.remove(feed: "b")
        #expect(gone.first { $0.table == "ids:ip_blacklist" }?.deleted == [[.string("203.0.113.66")]])
        #expect(store.blacklistedAddresses.isEmpty)
    }

    @Test func unchangedFeedEmitsNothing() {
        var store = BlocklistStore()
        _ = store.replace(feed: "a", entries: entries(["2001:db8:ffff::66", "203.0.113.0/24"]))
        #expect(store.replace(feed: "a", entries: entries(["203.0.113.0/24", "2001:db8:ffff::66"])).isEmpty)
        #expect(store.blacklistedAddresses == ["2001:db8:ffff::66"])
    }
}
