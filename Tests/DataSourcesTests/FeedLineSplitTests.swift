import Testing

@testable import DataSources

@Suite struct FeedLineSplitTests {
    @Test func lineEndings() {
        #expect(splitFeedLines("a\r\nb\rc\n\nd") == ["a", "b", "c", "", "d"])
        #expect(splitFeedLines("a\n") == ["a", ""])
        #expect(splitFeedLines("") == [""])
        #expect(splitFeedLines("\r\r\n") == ["", "", ""])
    }

    @Test func plainLineTokens() {
        let bytes = Array("192.0.2.1, 198.51.100.0/24\t203.0.113.9 ; SBL123 \r\n# comment\n2001:db8::1".utf8)
        let parsed = FeedLoader().load(bytes, name: "feed", format: .plain)
        #expect(parsed.rejectionReason == nil)
        #expect(
            parsed.entries.map(\.network.description) == [
                "192.0.2.1/32", "198.51.100.0/24", "203.0.113.9/32", "2001:db8::1/128",
            ])
        #expect(parsed.entries.map(\.line) == [1, 1, 1, 3])
        #expect(parsed.entries.first?.category == "SBL123")
        #expect(parsed.entries.last?.category == "blocklist")
    }
}
