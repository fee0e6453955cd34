/// An IP address as a 128-bit value, with IPv4 addresses kept apart from IPv6 ones.
///
/// TODO: replace with `Datalog.IPAddress` once it lands; every canonicalisation in this module goes
/// through `canonicalAddress(_:)` and `parseNetworkText(_:)` so that the swap touches only this file.
struct ParsedAddress: Hashable, Sendable {
    var high: UInt64
    var low: UInt64
    var isIPv4: Bool

    /// Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (`::ffff:a.b.c.d` for mapped IPv4).
    var description: String {
        if isIPv4 { return formatIPv4(UInt32(truncatingIfNeeded: low)) }
        if high == 0 && low >> 32 == 0xFFFF {
            return "::ffff:" + formatIPv4(UInt32(truncatingIfNeeded: low))
        }
        return formatIPv6(
            groups: (0..<8).map { index in
                let word = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: word >> (48 - 16 * UInt64(index % 4)))
            })
    }

    var bitWidth: Int { isIPv4 ? 32 : 128 }
}

/// Returns the canonical text of an IPv4 or IPv6 address, or nil when `text` is not one.
func canonicalAddress(_ text: some StringProtocol) -> String? {
    parseAddress(text)?.description
}

/// Parses an IPv4 dotted quad (no leading zeros) or an IPv6 address (RFC 4291 text forms).
func parseAddress(_ text: some StringProtocol) -> ParsedAddress? {
    let utf8 = Array(text.utf8)
    if utf8.contains(UInt8(ascii: ":")) {
        return parseIPv6(utf8)
    }
    guard let value = parseIPv4(utf8[...]) else { return nil }
    return ParsedAddress(high: 0, low: UInt64(value), isIPv4: true)
}

private func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
    let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var value: UInt32 = 0
    for part in parts {
        guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if part.count > 1 && part.first == UInt8(ascii: "0") { return nil }
        let number = part.reduce(0) { $0 * 10 + UInt32($1 - 0x30) }
        guard number <= 255 else { return nil }
        value = value << 8 | number
    }
    return value
}

private func parseIPv6(_ bytes: [UInt8]) -> ParsedAddress? {
    guard bytes.count <= 45 else { return nil }
    var groups: [UInt16] = []
    var gapIndex: Int?
    var index = 0
    if bytes.starts(with: [0x3A, 0x3A]) {
        gapIndex = 0
        index = 2
    } else if bytes.first == 0x3A {
        return nil
    }
    while index < bytes.count {
        var end = index
        while end < bytes.count && bytes[end] != 0x3A { end += 1 }
        let piece = bytes[index..<end]
        if piece.contains(UInt8(ascii: ".")) {
            // An embedded IPv4 address fills the last 32 bits.
            guard end == bytes.count, let v4 = parseIPv4(piece) else { return nil }
            groups.append(UInt16(v4 >> 16))
            groups.append(UInt16(v4 & 0xFFFF))
            index = end
            break
        }
        guard !piece.isEmpty, piece.count <= 4, let group = UInt16(String(decoding: piece, as: UTF8.self), radix: 16)
        else { return nil }
        groups.append(group)
        index = end
        if index == bytes.count { break }
        index += 1
        if index < bytes.count && bytes[index] == 0x3A {
            guard gapIndex == nil else { return nil }
            gapIndex = groups.count
            index += 1
        } else if index == bytes.count {
            return nil
        }
    }
    if let gapIndex {
        guard groups.count <= 7 else { return nil }
        groups.insert(contentsOf: Array(repeating: 0, count: 8 - groups.count), at: gapIndex)
    }
    guard groups.count == 8 else { return nil }
    let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
    let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
    return ParsedAddress(high: high, low: low, isIPv4: false)
}

private func formatIPv4(_ value: UInt32) -> String {
    "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
}

/// RFC 5952: lower-case hex, no leading zeros, the longest run of two or more zero groups as `::`.
private func formatIPv6(groups: [UInt16]) -> String {
    var bestStart = -1
    var bestLength = 1
    var runStart = -1
    for index in 0...groups.count {
        if index < groups.count && groups[index] == 0 {
            if runStart < 0 { runStart = index }
            continue
        }
        if runStart >= 0 && index - runStart > bestLength {
            bestStart = runStart
            bestLength = index - runStart
        }
        runStart = -1
    }
    let hex = groups.map { String($0, radix: 16) }
    guard bestStart >= 0 else { return hex.joined(separator: ":") }
    let head = hex[0..<bestStart].joined(separator: ":")
    let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
    return head + "::" + tail
}
