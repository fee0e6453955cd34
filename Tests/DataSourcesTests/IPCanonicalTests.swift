import Datalog
import Testing

@testable import DataSources

@Suite struct IPCanonicalTests {
    @Test func canonicalForms() {
        let cases: [(String, String?)] = [
            ("192.0.2.1", "192.0.2.1"),
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("0000:0000:0000:0000:0000:ffff:0a09:0807", "10.9.8.7"),
            ("::", "::"),
            ("::1", "::1"),
            ("fe80::", "fe80::"),
            ("::ffff:192.0.2.1", "192.0.2.1"),
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

    @Test func networkHostBits() throws {
        let network = try parseWrittenNetwork("192.0.2.37/28")
        #expect(network.network.description == "192.0.2.32/28")
        #expect(network.hadHostBits)
        #expect(try parseWrittenNetwork("2001:db8:2:5b00::/56").hadHostBits == false)
        #expect(try parseWrittenNetwork("203.0.113.66").network.description == "203.0.113.66/32")
        #expect(throws: IPAddressError.self) { try parseWrittenNetwork("10.0.0.0/33") }
        #expect(throws: IPAddressError.self) { try parseWrittenNetwork("10.0.0.0/") }
    }
}
