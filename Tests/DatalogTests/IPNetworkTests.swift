import Testing

@testable import Datalog

@Suite struct IPNetworkTests {
    @Test func masksHostBits() throws {
        let network = try IPNetwork.parse("192.0.2.112/24")
        #expect(network.address == (try IPAddress.parse("192.0.2.0")))
        #expect(network.prefixLength == 24)
        #expect(network.description == "192.0.2.0/24")
        #expect(network == (try IPNetwork.parse("192.0.2.0/24")))
    }

    @Test func bareAddressIsHostNetwork() throws {
        #expect(try IPNetwork.parse("192.0.2.7").description == "192.0.2.7/32")
        #expect(try IPNetwork.parse("2001:db8::7").description == "2001:db8::7/128")
        #expect(try IPNetwork.parse("::ffff:192.0.2.7").description == "192.0.2.7/32")
    }

    @Test func firstAndLast() throws {
        let v4 = try IPNetwork.parse("10.1.2.3/8")
        #expect(v4.first.description == "10.0.0.0")
        #expect(v4.last.description == "10.255.255.255")

        let v6 = try IPNetwork.parse("2001:DB8:1::/32")
        #expect(v6.description == "2001:db8::/32")
        #expect(v6.first.description == "2001:db8::")
        #expect(v6.last.description == "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")

        let everything = try IPNetwork.parse("::/0")
        #expect(everything.last.description == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        let allIPv4 = try IPNetwork.parse("0.0.0.0/0")
        #expect(allIPv4.first.description == "0.0.0.0")
        #expect(allIPv4.last.description == "255.255.255.255")
    }

    @Test func mappedNetworkEqualsIPv4() throws {
        let mapped = try IPNetwork.parse("::ffff:192.0.2.0/120")
        #expect(mapped == (try IPNetwork.parse("192.0.2.0/24")))
        #expect(mapped.prefixLength == 24)
        #expect(mapped.description == "192.0.2.0/24")
    }

    @Test func initFromAddressAndLength() throws {
        let address = try IPAddress.parse("198.51.100.77")
        #expect(IPNetwork(address: address, prefixLength: 25)?.description == "198.51.100.0/25")
        #expect(IPNetwork(address: address, prefixLength: 33) == nil)
        #expect(IPNetwork(address: address, prefixLength: -1) == nil)

        let v6 = try IPAddress.parse("2001:db8::1")
        #expect(IPNetwork(address: v6, prefixLength: 128)?.description == "2001:db8::1/128")
        #expect(IPNetwork(address: v6, prefixLength: 129) == nil)
    }

    @Test func containsAddresses() throws {
        let network = try IPNetwork.parse("192.168.0.0/24")
        #expect(network.contains(try IPAddress.parse("192.168.0.1")))
        #expect(network.contains(try IPAddress.parse("192.168.0.255")))
        #expect(network.contains(try IPAddress.parse("::ffff:192.168.0.9")))
        #expect(!network.contains(try IPAddress.parse("192.168.10.1")))
        #expect(!network.contains(try IPAddress.parse("192.168.1.0")))
        #expect(!network.contains(try IPAddress.parse("::c0a8:1")))

        let v6 = try IPNetwork.parse("2001:db8::/32")
        #expect(v6.contains(try IPAddress.parse("2001:db8:ffff::1")))
        #expect(!v6.contains(try IPAddress.parse("2001:db9::1")))
        #expect(!v6.contains(try IPAddress.parse("192.0.2.1")))
    }

    @Test func overlapsBothWays() throws {
        let wide = try IPNetwork.parse("192.0.2.0/23")
        let inner = try IPNetwork.parse("192.0.3.0/25")
        let apart = try IPNetwork.parse("192.0.4.0/24")
        #expect(wide.overlaps(inner))
        #expect(inner.overlaps(wide))
        #expect(!wide.overlaps(apart))
        #expect(!apart.overlaps(wide))
        #expect(try IPNetwork.parse("192.0.2.0/23").overlaps(try IPNetwork.parse("192.0.2.0/24")))
        #expect(!(try IPNetwork.parse("192.0.2.0/24").overlaps(try IPNetwork.parse("192.0.3.0/24"))))
        #expect(try IPNetwork.parse("::/0").overlaps(try IPNetwork.parse("10.0.0.0/8")))
    }

    @Test(arguments: [
        ("1.2.3.4/index.html", "prefix length 'index.html' is not a decimal number"),
        ("10.0.0.0/33", "not in 0...32"),
        ("::/129", "not in 0...128"),
        ("10.0.0.0/", "prefix length '' is not a decimal number"),
        ("10.0.0.0/+8", "not a decimal number"),
        ("10.0.0.0/8/8", "not a decimal number"),
        ("010.0.0.0/8", "leading zero"),
        ("fe80::/10%eth0", "not a decimal number"),
        ("fe80::%eth0/64", "zone id '%eth0'"),
    ])
    func rejectsInvalid(text: String, reason: String) {
        #expect {
            try IPNetwork.parse(text)
        } throws: { error in
            guard let error = error as? IPAddressError else { return false }
            return error.text == text && error.reason.contains(reason)
        }
        #expect(IPNetwork(text) == nil)
    }
}
