import Testing

@testable import Datalog

/// SplitMix64: a small seeded generator, so a failing property case can be replayed.
struct SeededSplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct IPAddressTests {
    @Test func parsesIPv4() throws {
        let address = try IPAddress.parse("192.0.2.1")
        #expect(address.isIPv4)
        #expect(address.high == 0)
        #expect(address.low == 0xffff_c000_0201)
        #expect(address.description == "192.0.2.1")
    }

    @Test func parsesIPv6Forms() throws {
        #expect(try IPAddress.parse("2001:DB8::1").description == "2001:db8::1")
        #expect(try IPAddress.parse("2001:0db8:0000:0000:0000:0000:0000:0001").description == "2001:db8::1")
        #expect(try IPAddress.parse("::").description == "::")
        #expect(try IPAddress.parse("::1").description == "::1")
        #expect(try IPAddress.parse("1::").description == "1::")
        #expect(try IPAddress.parse("::1.2.3.4").description == "::102:304")
        #expect(try IPAddress.parse("64:ff9b::192.0.2.33").description == "64:ff9b::c000:221")
        #expect(try IPAddress.parse("1:0:0:2:0:0:0:3").description == "1:0:0:2::3")
        #expect(try IPAddress.parse("1:0:0:2:0:0:3:4").description == "1::2:0:0:3:4")
        #expect(try IPAddress.parse("1:0:2:3:4:5:6:7").description == "1:0:2:3:4:5:6:7")
    }

    @Test func mappedIPv4EqualsDottedQuad() throws {
        let mapped = try IPAddress.parse("::FFFF:192.0.2.1")
        #expect(mapped == (try IPAddress.parse("192.0.2.1")))
        #expect(mapped.isIPv4)
        #expect(mapped.description == "192.0.2.1")
        #expect(try IPAddress.parse("::ffff:c000:201").description == "192.0.2.1")
    }

    @Test(arguments: [
        ("010.0.0.1", "leading zero"),
        ("256.0.0.1", "greater than 255"),
        ("1.2.3", "four decimal octets"),
        ("1.2.3.4.5", "four decimal octets"),
        ("1.2.3.", "four decimal octets"),
        ("fe80::1%eth0", "'%eth0'"),
        ("1::2::3", "'::' may appear only once"),
        ("12345::", "'12345'"),
        ("1:2:3:4:5:6:7:8:9", "found 9"),
        ("1:2:3:4:5:6:7", "found 7"),
        ("1:2:3:4:5:6:7::8", "at most 7"),
        ("1.2.3.4::", "must be the last"),
        (":1:2:3:4:5:6:7", "group is empty"),
        ("", "empty"),
        (" 1.2.3.4", "invalid character ' '"),
        ("::ffff:1.2.3.04", "leading zero"),
        ("g::1", "invalid character 'g'"),
        ("1.2.3.a", "not a decimal number"),
    ])
    func rejectsInvalid(text: String, reason: String) {
        #expect {
            try IPAddress.parse(text)
        } throws: { error in
            guard let error = error as? IPAddressError else { return false }
            return error.text == text && error.reason.contains(reason)
        }
        #expect(IPAddress(text) == nil)
    }

    @Test func errorDescriptionNamesText() {
        let error = IPAddressError(text: "010.0.0.1", reason: "octet has a leading zero")
        #expect(error.description == #"invalid IP address "010.0.0.1": octet has a leading zero"#)
    }

    @Test func ordersByValue() throws {
        let texts = [
            "::", "::1", "0.0.0.0", "10.0.0.1", "192.0.2.1", "192.0.2.2", "::1:0:0:0", "2001:db8::", "ff02::1",
        ]
        let addresses = try texts.map { text throws in try IPAddress.parse(text) }
        for index in 1..<addresses.count {
            #expect(addresses[index - 1] < addresses[index], "\(texts[index - 1]) < \(texts[index])")
            #expect(!(addresses[index] < addresses[index - 1]), "\(texts[index]) < \(texts[index - 1])")
        }
    }

    @Test func randomIPv6FormsAgree() throws {
        var generator = SeededSplitMix(seed: 0x1905)
        for _ in 0..<2000 {
            let groups = (0..<8).map { _ in randomGroup(&generator) }
            let expected = IPAddress(high: pack(groups[0..<4]), low: pack(groups[4..<8]))
            let canonical = expected.isIPv4 ? dottedQuad(groups) : rfc5952Form(groups)

            for form in textForms(groups) {
                let parsed = try IPAddress.parse(form)
                #expect(parsed == expected, "\(form)")
                #expect(parsed.description == canonical, "\(form)")
            }
        }
    }

    @Test func randomIPv4FormsAgree() throws {
        var generator = SeededSplitMix(seed: 0x2019)
        for _ in 0..<2000 {
            let value = UInt32.random(in: 0...UInt32.max, using: &generator)
            let quad = "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
            let upper = String(value >> 16, radix: 16)
            let lower = String(value & 0xffff, radix: 16)
            let forms = [
                quad, "::ffff:\(quad)", "::FFFF:\(quad)", "0:0:0:0:0:ffff:\(quad)",
                "0000:0000:0000:0000:0000:FFFF:\(quad)", "::ffff:\(upper):\(lower)",
                "0:0::ffff:\(upper.uppercased()):\(lower)",
            ]
            for form in forms {
                let parsed = try IPAddress.parse(form)
                #expect(parsed.isIPv4, "\(form)")
                #expect(parsed.ipv4Value == value, "\(form)")
                #expect(parsed.description == quad, "\(form)")
            }
        }
    }

    @Test func randomOrderMatchesNumericOrder() throws {
        var generator = SeededSplitMix(seed: 0x7)
        for _ in 0..<2000 {
            let left = (0..<8).map { _ in randomGroup(&generator) }
            let right = (0..<8).map { _ in randomGroup(&generator) }
            let a = try IPAddress.parse(rfc5952Form(left))
            let b = try IPAddress.parse(rfc5952Form(right))
            // Fixed-width hex text orders like the numbers it spells.
            let leftHex = left.map(padded).joined()
            let rightHex = right.map(padded).joined()
            #expect((a < b) == (leftHex < rightHex), "\(a) vs \(b)")
            #expect((a == b) == (leftHex == rightHex), "\(a) vs \(b)")
        }
    }
}

/// A 16-bit group, zero often enough that runs of zero groups are common.
private func randomGroup(_ generator: inout SeededSplitMix) -> UInt16 {
    switch Int.random(in: 0..<10, using: &generator) {
    case 0..<4: return 0
    case 4: return 0xffff
    case 5: return UInt16.random(in: 0...0xf, using: &generator)
    default: return UInt16.random(in: 0...UInt16.max, using: &generator)
    }
}

private func pack(_ groups: ArraySlice<UInt16>) -> UInt64 {
    groups.reduce(0) { $0 << 16 | UInt64($1) }
}

private func padded(_ group: UInt16) -> String {
    let hex = String(group, radix: 16)
    return String(repeating: "0", count: 4 - hex.count) + hex
}

private func dottedQuad(_ groups: [UInt16]) -> String {
    "\(groups[6] >> 8).\(groups[6] & 0xff).\(groups[7] >> 8).\(groups[7] & 0xff)"
}

/// Every compression of one run of zero groups, as text.
private func compressions(_ groups: [UInt16]) -> [String] {
    var forms: [String] = []
    for start in 0..<8 {
        for end in (start + 1)...8 where groups[start..<end].allSatisfy({ $0 == 0 }) {
            let head = groups[..<start].map { String($0, radix: 16) }.joined(separator: ":")
            let tail = groups[end...].map { String($0, radix: 16) }.joined(separator: ":")
            forms.append(head + "::" + tail)
        }
    }
    return forms
}

/// The RFC 5952 text, written independently of the library: the first of the longest runs of
/// two or more zero groups becomes `::`.
private func rfc5952Form(_ groups: [UInt16]) -> String {
    var runs: [(start: Int, length: Int)] = []
    var index = 0
    while index < 8 {
        if groups[index] != 0 {
            index += 1
            continue
        }
        let start = index
        while index < 8 && groups[index] == 0 { index += 1 }
        runs.append((start, index - start))
    }

    let longest = runs.filter { $0.length >= 2 }.max {
        $0.length < $1.length || ($0.length == $1.length && $0.start > $1.start)
    }
    guard let longest else { return groups.map { String($0, radix: 16) }.joined(separator: ":") }
    let head = groups[..<longest.start].map { String($0, radix: 16) }.joined(separator: ":")
    let tail = groups[(longest.start + longest.length)...].map { String($0, radix: 16) }.joined(separator: ":")
    return head + "::" + tail
}

/// Many spellings of one 128-bit value.
private func textForms(_ groups: [UInt16]) -> [String] {
    let plain = groups.map { String($0, radix: 16) }.joined(separator: ":")
    let full = groups.map(padded).joined(separator: ":")
    var forms = [plain, full, plain.uppercased(), full.uppercased()]
    forms += compressions(groups)
    forms += compressions(groups).map { $0.uppercased() }

    let headGroups = Array(groups[..<6])
    let quad = dottedQuad(groups)
    forms.append(headGroups.map { String($0, radix: 16) }.joined(separator: ":") + ":" + quad)
    forms.append(headGroups.map(padded).joined(separator: ":").uppercased() + ":" + quad)
    for form in compressions(headGroups + [1, 1]) where form.hasSuffix(":1:1") {
        forms.append(String(form.dropLast(3)) + quad)
    }
    return forms
}
