import Foundation
import Testing

@testable import Store

@Suite struct TokenRecordsTests {
    @Test(arguments: Backend.allCases) func tokenLifecycle(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let tokens = TokenRecords(database: database, clock: SteppingClock().function)

        let issued = try tokens.create(name: "ci", role: .operator, projectID: "p1", audit: AuditActor(user: "root"))
        #expect(issued.plaintext.hasPrefix("agora_"))
        #expect(issued.plaintext.count == "agora_".count + 43)
        #expect(!issued.plaintext.contains("="))
        #expect(issued.record.hash == SHA256.hexDigest(issued.plaintext))

        let found = try #require(try tokens.lookup(plaintext: issued.plaintext))
        #expect(found == issued.record)
        #expect(try tokens.lookup(plaintext: issued.plaintext + "x") == nil)
        #expect(try tokens.lookup(plaintext: issued.record.hash) == nil)

        try tokens.markUsed(id: found.id)
        #expect(try tokens.lookup(plaintext: issued.plaintext)?.lastUsedAt != nil)

        try tokens.revoke(id: found.id, audit: AuditActor(user: "root"))
        #expect(try tokens.lookup(plaintext: issued.plaintext) == nil)
        #expect(try tokens.list().map(\.revoked) == [true])
        #expect(throws: StoreError.notFound(kind: "token", key: "nope")) { try tokens.revoke(id: "nope") }

        let other = try tokens.create(name: "viewer", role: .viewer)
        #expect(other.plaintext != issued.plaintext)
        #expect(try tokens.lookup(plaintext: other.plaintext)?.projectID == nil)
        #expect(try AuditRecords(database: database).list().map(\.action) == ["revoke_token", "create_token"])
    }

    @Test func base64URLHasNoPaddingOrPlusOrSlash() {
        #expect(TokenRecords.base64URL([0xfb, 0xff]) == "-_8")
        #expect(TokenRecords.base64URL([]) == "")
    }
}

@Suite struct SHA256Tests {
    // Test vectors from FIPS 180-4's examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
    @Test func standardVectors() {
        #expect(SHA256.hexDigest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hexDigest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hexDigest(
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
            ) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func millionAs() {
        let digest = SHA256.digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(PostgresValues.hex(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func blockBoundaryLengths() {
        // 55 bytes fit one block with the length; 56 need a second block.
        #expect(SHA256.digest([UInt8](repeating: 0x61, count: 55)).count == 32)
        #expect(
            SHA256.hexDigest(String(repeating: "a", count: 64))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}
