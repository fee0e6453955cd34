import Testing

@testable import Agora

/// The test cases of RFC 4231 section 4 for HMAC-SHA-256.
@Suite struct HMACSHA256Tests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let cases: [(name: String, key: [UInt8], data: [UInt8], expected: String)] = [
        (
            "case 1", [UInt8](repeating: 0x0b, count: 20), bytes("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "case 2", bytes("Jefe"), bytes("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            "case 3", [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            "case 4", Array(1...25), [UInt8](repeating: 0xcd, count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            "case 6", [UInt8](repeating: 0xaa, count: 131),
            bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            "case 7", [UInt8](repeating: 0xaa, count: 131),
            bytes(
                "This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test func rfc4231Vectors() {
        for vector in Self.cases {
            #expect(HMACSHA256.hex(vector.data, key: vector.key) == vector.expected, "\(vector.name)")
        }
    }

    /// Case 5 checks an output truncated to 128 bits.
    @Test func rfc4231TruncatedVector() {
        let code = HMACSHA256.hex(Self.bytes("Test With Truncation"), key: [UInt8](repeating: 0x0c, count: 20))
        #expect(code.prefix(32) == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func signatureHeaderFormat() {
        let signature = WebhookSender.signature(Self.bytes("what do ya want for nothing?"), key: Self.bytes("Jefe"))
        #expect(signature == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
