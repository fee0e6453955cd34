extension JSONReader {
    /// Reads a quoted string, decoding escapes. Invalid UTF-8 becomes U+FFFD and is recorded.
    mutating func readString() throws(JSONError) -> String {
        position += 1
        let start = position

        // Fast path: no escapes, so the bytes between the quotes are the string.
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                let text = decodeUTF8(UnsafeBufferPointer(rebasing: buffer[start..<position]))
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("unescaped control character \(describeByte(byte)) in a string") }
            position += 1
        }

        // Slow path: copy bytes, decoding escapes into UTF-8.
        var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<position]))
        var repaired = false
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                let text = decodeUTF8(bytes.withUnsafeBufferPointer { $0 })
                if repaired { noteRepairedString() }
                return text
            }
            if byte < 0x20 { throw fail("unescaped control character \(describeByte(byte)) in a string") }
            if byte != UInt8(ascii: "\\") {
                bytes.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < buffer.count else { break }
            let escape = buffer[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = try readUnicodeEscape(repaired: &repaired)
                bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw fail("invalid escape \\\(Character(Unicode.Scalar(escape))) in a string")
            }
        }
        throw fail("unterminated string")
    }

    /// Reads the hex digits after `\u`, joining a surrogate pair. A lone surrogate becomes U+FFFD.
    mutating func readUnicodeEscape(repaired: inout Bool) throws(JSONError) -> Unicode.Scalar {
        let first = try readHex4()
        if first >= 0xD800 && first < 0xDC00 {
            let hasLow =
                position + 1 < buffer.count && buffer[position] == UInt8(ascii: "\\")
                && buffer[position + 1] == UInt8(ascii: "u")
            if hasLow {
                let saved = position
                position += 2
                let second = try readHex4()
                if second >= 0xDC00 && second < 0xE000 {
                    let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    return Unicode.Scalar(value) ?? "\u{FFFD}"
                }
                position = saved
            }
            repaired = true
            return "\u{FFFD}"
        }
        guard let scalar = Unicode.Scalar(first) else {
            repaired = true
            return "\u{FFFD}"
        }
        return scalar
    }

    mutating func readHex4() throws(JSONError) -> UInt32 {
        guard position + 4 <= buffer.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = buffer[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit \(describeByte(byte)) in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Decodes UTF-8, replacing invalid sequences with U+FFFD and recording the string's path.
    mutating func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        noteRepairedString()
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func noteRepairedString() {
        let name = path.isEmpty ? "(top level)" : path.joined(separator: ".")
        if repairedStrings.last != name {
            repairedStrings.append(name)
        }
    }
}
