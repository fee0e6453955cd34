import Datalog

/// Returns the canonical text of an IPv4 or IPv6 address (`IPAddress.description`), or nil when
/// `text` is not one.
func canonicalAddress(_ text: some StringProtocol) -> String? {
    IPAddress(String(text))?.description
}

/// A network as a feed or allowlist wrote it, with whether the text set host bits.
struct WrittenNetwork: Hashable, Sendable {
    var network: IPNetwork
    /// Whether bits below the prefix were set (`192.0.2.37/28`); `network` has them cleared.
    var hadHostBits: Bool
}

/// Parses `address/prefix` or a bare address (a host network), noting host bits below the prefix.
func parseWrittenNetwork(_ text: some StringProtocol) throws(IPAddressError) -> WrittenNetwork {
    let string = String(text)
    guard string.utf8.contains(UInt8(ascii: "/")) else {
        // A bare address is a host network with no host bits to clear, so one parse is enough.
        let address = try IPAddress.parse(string)
        let host = IPNetwork(address: address, prefixLength: address.isIPv4 ? 32 : 128)!
        return WrittenNetwork(network: host, hadHostBits: false)
    }
    let network = try IPNetwork.parse(string)
    let addressText = string.split(separator: "/", maxSplits: 1).first.map(String.init) ?? string
    let written = IPAddress(addressText)
    return WrittenNetwork(network: network, hadHostBits: written != nil && written != network.address)
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
