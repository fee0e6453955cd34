/// An IP network written `address/prefix`, with the host bits cleared.
///
/// TODO: replace with `Datalog.IPNetwork` once it lands (see `ParsedAddress`).
struct ParsedNetwork: Hashable, Sendable {
    var address: ParsedAddress
    var prefixLength: Int
    /// Whether the text set bits below the prefix (`192.0.2.37/28`); they are cleared in `address`.
    var hadHostBits: Bool

    /// Canonical CIDR text with an explicit prefix, `/32` or `/128` for a host.
    var description: String { "\(address.description)/\(prefixLength)" }

    var isHost: Bool { prefixLength == address.bitWidth }

    /// Whether `other` lies inside this network (same family only).
    func contains(_ other: ParsedAddress) -> Bool {
        guard other.isIPv4 == address.isIPv4 else { return false }
        let masked = Self.mask(other, prefixLength: prefixLength)
        return masked.high == address.high && masked.low == address.low
    }

    /// Whether the two networks share an address.
    func overlaps(_ other: ParsedNetwork) -> Bool {
        guard other.address.isIPv4 == address.isIPv4 else { return false }
        return prefixLength <= other.prefixLength ? contains(other.address) : other.contains(address)
    }

    static func mask(_ address: ParsedAddress, prefixLength: Int) -> ParsedAddress {
        let bits = address.isIPv4 ? prefixLength + 96 : prefixLength
        let highMask: UInt64 = bits >= 64 ? .max : (bits == 0 ? 0 : .max << UInt64(64 - bits))
        let lowMask: UInt64 = bits <= 64 ? 0 : (bits >= 128 ? .max : .max << UInt64(128 - bits))
        return ParsedAddress(high: address.high & highMask, low: address.low & lowMask, isIPv4: address.isIPv4)
    }
}

/// Parses `address` or `address/prefix`; a bare address is a host network. Nil when invalid.
func parseNetworkText(_ text: some StringProtocol) -> ParsedNetwork? {
    let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    guard let address = parseAddress(parts[0]) else { return nil }
    var prefixLength = address.bitWidth
    if parts.count == 2 {
        let digits = parts[1]
        guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCIIDigit), let length = Int(digits),
            length <= address.bitWidth
        else { return nil }
        prefixLength = length
    }
    let masked = ParsedNetwork.mask(address, prefixLength: prefixLength)
    return ParsedNetwork(address: masked, prefixLength: prefixLength, hadHostBits: masked != address)
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
