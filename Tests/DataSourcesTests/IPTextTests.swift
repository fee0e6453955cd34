import Testing

@testable import DataSources

@Suite struct IPTextTests {
    @Test func canonicalForms() {
        let cases: [(String, String?)] = [
            ("192.0.2.1", "192.0.2.1"),
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("0000:0000:0000:0000:0000:ffff:0a09:0807", "::ffff:10.9.8.7"),
            ("::", "::"),
            ("::1", "::1"),
            ("fe80::", "fe80::"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            ("192.0.2.010", nil),
            ("192.0.2.256", nil),
            ("192.0.2", nil),
            ("1:2:3:4:5:6:7:8:9", nil),
            ("1::2::3", nil),
            ("2001:db8:1:5b00", nil),
            ("fe80", nil),
            ("", nil),
            ("192.0.2.1\u{FFFD}0", nil),
        ]
        for (input, expected) in cases {
            #expect(canonicalAddress(input) == expected, "\(input)")
        }
    }

    /// Random addresses printed in a random valid text form parse back to the same value.
    @Test func randomIPv6RoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var groups = (0..<8).map { _ in UInt16.random(in: 0...UInt16.max, using: &generator) }
            for index in 0..<8 where Bool.random(using: &generator) {
                groups[index] = 0
            }
            let padded = groups.map { group -> String in
                let hex = String(group, radix: 16, uppercase: Bool.random(using: &generator))
                return String(repeating: "0", count: 4 - hex.count) + hex
            }
            let full = padded.joined(separator: ":")
            let canonical = canonicalAddress(full)
            #expect(canonical != nil, "\(full)")
            #expect(canonicalAddress(canonical ?? "") == canonical, "\(full)")
            let parsed = parseAddress(canonical ?? "")
            let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
            let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
            #expect(parsed?.high == high && parsed?.low == low, "\(full) -> \(canonical ?? "nil")")
        }
    }

    @Test func networkHostBits() {
        let network = parseNetworkText("192.0.2.37/28")
        #expect(network?.description == "192.0.2.32/28")
        #expect(network?.hadHostBits == true)
        #expect(parseNetworkText("2001:db8:2:5b00::/56")?.hadHostBits == false)
        #expect(parseNetworkText("10.0.0.0/33") == nil)
        #expect(parseNetworkText("10.0.0.0/") == nil)
        #expect(parseNetworkText("203.0.113.66")?.description == "203.0.113.66/32")
        let wide = parseNetworkText("10.0.0.0/8")
        #expect(wide?.contains(parseAddress("10.1.2.3")!) == true)
        #expect(wide?.contains(parseAddress("11.0.0.0")!) == false)
    }
}
