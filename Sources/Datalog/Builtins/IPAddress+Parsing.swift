// Strict parsers for IPv4 dotted quads and RFC 4291 IPv6 text, working on UTF-8 bytes.

private let colon = UInt8(ascii: ":")
private let dot = UInt8(ascii: ".")

/// Parses an IPv4 or IPv6 address. `text` is the whole input, which errors name.
func parseAddress(_ bytes: UnsafeBufferPointer<UInt8>, text: String) throws(IPAddressError) -> IPAddress {
    guard !bytes.isEmpty else { throw IPAddressError(text: text, reason: "the address is empty") }

    if let percent = bytes.firstIndex(of: UInt8(ascii: "%")) {
        let zone = String(decoding: UnsafeBufferPointer(rebasing: bytes[percent...]), as: UTF8.self)
        throw IPAddressError(text: text, reason: "zone id '\(zone)' is not supported, so remove it")
    }
    for byte in bytes where !isAddressCharacter(byte) {
        let character = byte < 0x80 ? String(UnicodeScalar(byte)) : "non-ASCII byte"
        throw IPAddressError(text: text, reason: "invalid character '\(character)'")
    }

    if bytes.contains(colon) {
        return try parseIPv6(bytes, text: text)
    }
    return IPAddress(ipv4: try parseIPv4(bytes[...], text: text))
}

private func isAddressCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
        UInt8(ascii: "A")...UInt8(ascii: "F"), colon, dot:
        return true
    default:
        return false
    }
}

/// Parses `a.b.c.d`: four decimal octets 0-255, each without leading zeros because
/// `010` reads as octal in some parsers and as decimal in others.
private func parseIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, text: String) throws(IPAddressError) -> UInt32 {
    var value: UInt32 = 0
    var octetCount = 0
    var start = bytes.startIndex

    while true {
        let end = bytes[start...].firstIndex(of: dot) ?? bytes.endIndex
        let octet = bytes[start..<end]
        let octetText = String(decoding: UnsafeBufferPointer(rebasing: octet), as: UTF8.self)

        guard !octet.isEmpty else {
            throw IPAddressError(text: text, reason: "an IPv4 address has four decimal octets separated by '.'")
        }
        guard octet.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw IPAddressError(text: text, reason: "IPv4 octet '\(octetText)' is not a decimal number")
        }
        guard octet.count == 1 || octet.first != UInt8(ascii: "0") else {
            throw IPAddressError(text: text, reason: "IPv4 octet '\(octetText)' has a leading zero, which is ambiguous")
        }
        guard octet.count <= 3, let number = UInt32(octetText), number <= 255 else {
            throw IPAddressError(text: text, reason: "IPv4 octet '\(octetText)' is greater than 255")
        }

        value = value << 8 | number
        octetCount += 1
        guard end < bytes.endIndex, octetCount < 4 else {
            guard end == bytes.endIndex, octetCount == 4 else {
                throw IPAddressError(text: text, reason: "an IPv4 address has four decimal octets separated by '.'")
            }
            return value
        }
        start = end + 1
    }
}

/// Parses IPv6 text: up to eight groups of 1-4 hex digits, at most one `::` standing for one or
/// more zero groups, and optionally an IPv4 dotted quad as the last 32 bits.
private func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>, text: String) throws(IPAddressError) -> IPAddress {
    var gap: Int? = nil
    for index in 0..<(bytes.count - 1) where bytes[index] == colon && bytes[index + 1] == colon {
        guard gap == nil else {
            throw IPAddressError(text: text, reason: "'::' may appear only once")
        }
        gap = index
    }

    var groups: [UInt16] = []
    var gapPosition: Int? = nil
    if let gap {
        groups = try parseGroups(bytes[..<gap], allowIPv4Tail: false, text: text)
        gapPosition = groups.count
        groups += try parseGroups(bytes[(gap + 2)...], allowIPv4Tail: true, text: text)
    } else {
        groups = try parseGroups(bytes[...], allowIPv4Tail: true, text: text)
    }

    if let gapPosition {
        guard groups.count <= 7 else {
            throw IPAddressError(text: text, reason: "an IPv6 address with '::' has at most 7 groups besides it")
        }
        groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gapPosition)
    } else if groups.count != 8 {
        throw IPAddressError(text: text, reason: "an IPv6 address has 8 groups of hex digits, found \(groups.count)")
    }

    var high: UInt64 = 0
    var low: UInt64 = 0
    for group in groups[0..<4] { high = high << 16 | UInt64(group) }
    for group in groups[4..<8] { low = low << 16 | UInt64(group) }
    return IPAddress(high: high, low: low)
}

/// Parses colon-separated hex groups, none for an empty slice. An IPv4 tail counts as two groups.
private func parseGroups(
    _ bytes: Slice<UnsafeBufferPointer<UInt8>>, allowIPv4Tail: Bool, text: String
) throws(IPAddressError) -> [UInt16] {
    var groups: [UInt16] = []
    guard !bytes.isEmpty else { return groups }

    var start = bytes.startIndex
    while true {
        let end = bytes[start...].firstIndex(of: colon) ?? bytes.endIndex
        let group = bytes[start..<end]
        let isLast = end == bytes.endIndex

        if group.contains(dot) {
            guard isLast && allowIPv4Tail else {
                throw IPAddressError(text: text, reason: "an embedded IPv4 address must be the last part")
            }
            let value = try parseIPv4(group, text: text)
            groups.append(UInt16(value >> 16))
            groups.append(UInt16(value & 0xffff))
            return groups
        }

        guard !group.isEmpty else {
            throw IPAddressError(
                text: text, reason: "an IPv6 group is empty, and only one '::' may stand for zero groups")
        }
        guard group.count <= 4 else {
            let groupText = String(decoding: UnsafeBufferPointer(rebasing: group), as: UTF8.self)
            throw IPAddressError(text: text, reason: "IPv6 group '\(groupText)' has more than 4 hex digits")
        }
        var value: UInt16 = 0
        for byte in group {
            value = value << 4 | UInt16(hexDigitValue(byte))
        }
        groups.append(value)

        if isLast { return groups }
        start = end + 1
    }
}

/// Converts a hex digit that `isAddressCharacter` already accepted to its value.
private func hexDigitValue(_ byte: UInt8) -> UInt8 {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    default: return byte - UInt8(ascii: "A") + 10
    }
}
