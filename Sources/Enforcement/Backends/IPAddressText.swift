import Foundation

/// Canonical text of single IP addresses, as `inet_ntop` writes them (RFC 5952 for IPv6).
enum IPAddressText {
    /// Returns the canonical form of `text` and whether it is IPv6, or nil when `text` is not
    /// exactly one address. Prefixes, names and surrounding spaces are all rejected, which also
    /// keeps anything but an address out of an nft script.
    static func canonical(_ text: String) -> (address: String, isIPv6: Bool)? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return (format(AF_INET, &v4, length: Int(INET_ADDRSTRLEN)), false)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return (format(AF_INET6, &v6, length: Int(INET6_ADDRSTRLEN)), true)
        }
        return nil
    }

    private static func format<Address>(_ family: Int32, _ address: inout Address, length: Int) -> String {
        var buffer = [CChar](repeating: 0, count: length)
        _ = withUnsafePointer(to: &address) { pointer in
            inet_ntop(family, pointer, &buffer, socklen_t(length))
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
