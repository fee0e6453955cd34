/// A failure to parse an IP address or network: the text as given and why it is invalid.
public struct IPAddressError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "invalid IP address \(quote(text)): \(reason)" }
}

/// An IPv4 or IPv6 address as one 128-bit value.
///
/// IPv4 `a.b.c.d` is stored as the IPv4-mapped IPv6 address `::ffff:a.b.c.d`, so the two
/// spellings of one IPv4 address are equal and print alike. Addresses order by their 128-bit
/// value, which puts every IPv4 address between `::fffe:ffff:ffff` and `::1:0:0:0`.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The upper 64 bits of the 128-bit value.
    public var high: UInt64
    /// The lower 64 bits of the 128-bit value.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates the IPv4 address with the given 32-bit value, stored IPv4-mapped.
    public init(ipv4 value: UInt32) {
        self.init(high: 0, low: 0xffff_0000_0000 | UInt64(value))
    }

    /// Parses an address in dotted-quad IPv4 or RFC 4291 IPv6 text, rejecting zone ids,
    /// octets with leading zeros and anything around the address (no trimming).
    public static func parse(_ text: String) throws(IPAddressError) -> IPAddress {
        let parsed = text.utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(IPAddressError) in try parseAddress(bytes, text: text) }
        }
        if let parsed { return try parsed.get() }
        return try Array(text.utf8).withUnsafeBufferPointer { bytes throws(IPAddressError) in
            try parseAddress(bytes, text: text)
        }
    }

    public init?(_ text: String) {
        guard let address = try? IPAddress.parse(text) else { return nil }
        self = address
    }

    /// True for an IPv4 address, also when it was written IPv4-mapped (`::ffff:a.b.c.d`).
    public var isIPv4: Bool { high == 0 && low >> 32 == 0xffff }

    /// The low 32 bits, which are the IPv4 address when `isIPv4`.
    public var ipv4Value: UInt32 { UInt32(truncatingIfNeeded: low) }

    /// The eight 16-bit groups of the IPv6 form, most significant first.
    var groups: [UInt16] {
        var result: [UInt16] = []
        result.reserveCapacity(8)
        for shift in stride(from: 48, through: 0, by: -16) {
            result.append(UInt16(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 48, through: 0, by: -16) {
            result.append(UInt16(truncatingIfNeeded: low >> UInt64(shift)))
        }
        return result
    }

    /// The canonical text: a dotted quad for IPv4 (also when written IPv4-mapped), otherwise the
    /// RFC 5952 form (lower case, the longest run of two or more zero groups shortened to `::`,
    /// the leftmost run on a tie).
    public var description: String {
        if isIPv4 {
            let value = ipv4Value
            return "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
        }
        let groups = self.groups

        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }

        guard bestStart >= 0 else {
            return groups.map { String($0, radix: 16) }.joined(separator: ":")
        }
        let head = groups[..<bestStart].map { String($0, radix: 16) }.joined(separator: ":")
        let tail = groups[(bestStart + bestLength)...].map { String($0, radix: 16) }.joined(separator: ":")
        return head + "::" + tail
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.high != rhs.high { return lhs.high < rhs.high }
        return lhs.low < rhs.low
    }
}
