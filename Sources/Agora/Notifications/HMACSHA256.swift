import Store

/// HMAC-SHA256 as RFC 2104 defines it, on top of the store's SHA-256. Like `SHA256`, it works on
/// whole messages in memory.
public enum HMACSHA256 {
    /// SHA-256's block size in bytes; keys longer than this are hashed first.
    static let blockSize = 64

    /// Computes the 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var block = key.count > blockSize ? SHA256.digest(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)

        let innerPad = block.map { $0 ^ 0x36 }
        let outerPad = block.map { $0 ^ 0x5c }
        let inner = SHA256.digest(innerPad + message)
        return SHA256.digest(outerPad + inner)
    }

    /// Computes the code of `message` under `key` as 64 lowercase hex digits.
    public static func hex(_ message: [UInt8], key: [UInt8]) -> String {
        hexText(authenticationCode(message, key: key))
    }

    static func hexText(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}
