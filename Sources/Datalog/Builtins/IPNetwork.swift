/// A CIDR network: a network address with its host bits cleared and a prefix length.
///
/// The prefix length is in the family's own terms: 0...32 for IPv4, 0...128 for IPv6. An IPv6
/// network that lies inside the IPv4-mapped range `::ffff:0:0/96` is an IPv4 network, so
/// `::ffff:192.0.2.0/120` and `192.0.2.0/24` are equal and both print as `192.0.2.0/24`.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The network address, host bits cleared.
    public private(set) var address: IPAddress
    /// The prefix length: 0...32 for IPv4, 0...128 for IPv6.
    public private(set) var prefixLength: Int

    /// Creates the network of `address` with `prefixLength` bits, clearing the host bits. The length
    /// is in the address's family, 0...32 when `address.isIPv4` and else 0...128, or the result is nil.
    public init?(address: IPAddress, prefixLength: Int) {
        let maximum = address.isIPv4 ? 32 : 128
        guard prefixLength >= 0 && prefixLength <= maximum else { return nil }
        self.init(masking: address, bits: address.isIPv4 ? prefixLength + 96 : prefixLength)
    }

    /// Creates the network of `address` with a prefix of `bits` out of 128.
    private init(masking address: IPAddress, bits: Int) {
        let mask = IPNetwork.mask(bits: bits)
        let masked = IPAddress(high: address.high & mask.high, low: address.low & mask.low)
        self.address = masked
        // A masked address is IPv4-mapped only when the mask keeps the `ffff` group, so bits >= 96.
        self.prefixLength = masked.isIPv4 ? bits - 96 : bits
    }

    /// Parses `address/length`, or a bare address as a host network (`/32` or `/128`).
    ///
    /// The length is decimal digits only and is read in the family of the address as written:
    /// `::ffff:192.0.2.0/120` is a 120-bit IPv6 prefix. Host bits are cleared, so
    /// `192.0.2.112/24` parses as `192.0.2.0/24`.
    public static func parse(_ text: String) throws(IPAddressError) -> IPNetwork {
        guard let slash = text.utf8.firstIndex(of: UInt8(ascii: "/")) else {
            let address = try IPAddress.parse(text)
            return IPNetwork(masking: address, bits: 128)
        }

        let addressText = String(text[..<slash])
        let lengthText = String(text[text.utf8.index(after: slash)...])
        let address: IPAddress
        do {
            address = try IPAddress.parse(addressText)
        } catch {
            throw IPAddressError(text: text, reason: error.reason)
        }

        let writtenAsIPv6 = addressText.utf8.contains(UInt8(ascii: ":"))
        let maximum = writtenAsIPv6 ? 128 : 32
        let isDigits = lengthText.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !lengthText.isEmpty && isDigits else {
            throw IPAddressError(text: text, reason: "prefix length '\(lengthText)' is not a decimal number")
        }
        guard lengthText.utf8.count <= 3, let length = Int(lengthText), length <= maximum else {
            throw IPAddressError(text: text, reason: "prefix length \(lengthText) is not in 0...\(maximum)")
        }
        return IPNetwork(masking: address, bits: writtenAsIPv6 ? length : length + 96)
    }

    public init?(_ text: String) {
        guard let network = try? IPNetwork.parse(text) else { return nil }
        self = network
    }

    /// The prefix length out of 128 bits.
    private var bits: Int { address.isIPv4 ? prefixLength + 96 : prefixLength }

    /// The lowest address of the network, which is its network address.
    public var first: IPAddress { address }

    /// The highest address of the network: the network address with every host bit set.
    public var last: IPAddress {
        let mask = IPNetwork.mask(bits: bits)
        return IPAddress(high: address.high | ~mask.high, low: address.low | ~mask.low)
    }

    public func contains(_ address: IPAddress) -> Bool {
        address >= first && address <= last
    }

    /// True when the two networks share at least one address. For CIDR networks that means one
    /// contains the other.
    public func overlaps(_ other: IPNetwork) -> Bool {
        first <= other.last && other.first <= last
    }

    /// The canonical text `address/length`, such as `192.0.2.0/24` or `2001:db8::/32`.
    public var description: String { "\(address)/\(prefixLength)" }

    /// Builds the 128-bit mask with the top `bits` bits set.
    private static func mask(bits: Int) -> (high: UInt64, low: UInt64) {
        let highBits = min(bits, 64)
        let lowBits = max(bits - 64, 0)
        let high: UInt64 = highBits == 0 ? 0 : ~0 << UInt64(64 - highBits)
        let low: UInt64 = lowBits == 0 ? 0 : ~0 << UInt64(64 - lowBits)
        return (high, low)
    }
}
