// Number and string literals.

extension Lexer {
    /// Scans a decimal integer or a float in Python syntax (`1.5`, `.5`, `2.`, `1e3`, `1.5e-3`),
    /// with an optional leading `-`.
    mutating func scanNumber(from start: Int, location: SourceLocation) throws(DatalogError) -> Token {
        var index = start
        if bytes[index] == .minus { index += 1 }
        let digitsStart = index

        if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "0") {
            let base: (name: String, radix: Int)? =
                switch bytes[index + 1] | 0x20 {
                case UInt8(ascii: "x"): ("hexadecimal", 16)
                case UInt8(ascii: "o"): ("octal", 8)
                case UInt8(ascii: "b"): ("binary", 2)
                default: nil
                }
            if let base {
                let end = endOfWord(from: index)
                let literal = text(start, end)
                let sign = bytes[start] == .minus ? "-" : ""
                let decimal = Int64(sign + text(index + 2, end), radix: base.radix).map { ", so write \($0)" } ?? ""
                throw DatalogError.parse(
                    message: "\(base.name) literal \(literal) is not supported; only decimal numbers are\(decimal)",
                    at: location)
            }
        }

        index = skipDigits(from: index)
        let integerDigits = index - digitsStart
        var isFloat = false
        if index < bytes.count && bytes[index] == .dot {
            isFloat = true
            index = skipDigits(from: index + 1)
        }
        if isFloat && integerDigits == 0 && index == digitsStart + 1 {
            throw invalidNumber(from: start, location: location)
        }
        if index < bytes.count && bytes[index] | 0x20 == UInt8(ascii: "e") {
            isFloat = true
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == .minus) { index += 1 }
            guard index < bytes.count && isASCIIDigit(bytes[index]) else {
                throw invalidNumber(from: start, location: location)
            }
            index = skipDigits(from: index)
        }
        if index < bytes.count && isIdentifierPart(bytes[index]) {
            throw invalidNumber(from: start, location: location)
        }

        let literal = text(start, index)
        position = index
        if isFloat {
            guard let value = Double(literal), value.isFinite else {
                throw DatalogError.parse(message: "float \(literal) is out of range", at: location)
            }
            return Token(kind: .float, start: start, end: index, location: location, value: .float(value))
        }

        let digits = bytes[digitsStart..<index]
        if digits.count > 1 && digits.first == UInt8(ascii: "0") && digits.contains(where: { $0 != UInt8(ascii: "0") })
        {
            throw DatalogError.parse(
                message:
                    "integer \(literal) has a leading zero, which is not allowed because it reads as octal elsewhere",
                at: location)
        }
        guard let value = Int64(literal) else {
            throw DatalogError.parse(
                message: "integer \(literal) does not fit in 64 bits (\(Int64.min) to \(Int64.max))", at: location)
        }
        return Token(kind: .integer, start: start, end: index, location: location, value: .int(value))
    }

    private func skipDigits(from start: Int) -> Int {
        var index = start
        while index < bytes.count && isASCIIDigit(bytes[index]) { index += 1 }
        return index
    }

    private func endOfWord(from start: Int) -> Int {
        var index = start
        while index < bytes.count && isIdentifierPart(bytes[index]) { index += 1 }
        return index
    }

    private func invalidNumber(from start: Int, location: SourceLocation) -> DatalogError {
        let literal = text(start, endOfWord(from: start + 1))
        return DatalogError.parse(message: "invalid number \(literal)", at: location)
    }

    /// Scans a string in single or double quotes and decodes its escapes: `\"`, `\'`, `\\`, `\n`,
    /// `\t`, `\r`, `\0`, `\uXXXX` and `\u{...}`. Any other character, a newline too, stands for itself.
    mutating func scanString(from start: Int, location: SourceLocation) throws(DatalogError) -> Token {
        let quote = bytes[start]
        var index = start + 1
        var segmentStart = index
        var decoded: [UInt8] = []
        var hasEscapes = false

        while true {
            guard index < bytes.count else {
                throw DatalogError.parse(
                    message: "unterminated string; expected a closing \(quote == .doubleQuote ? "\"" : "'")",
                    at: location)
            }
            let byte = bytes[index]
            if byte == quote { break }
            guard byte == .backslash else {
                index += 1
                continue
            }

            hasEscapes = true
            decoded.append(contentsOf: bytes[segmentStart..<index])
            index = try decodeEscape(at: index, into: &decoded)
            segmentStart = index
        }

        let value: String
        if hasEscapes {
            decoded.append(contentsOf: bytes[segmentStart..<index])
            value = String(decoding: decoded, as: UTF8.self)
        } else {
            value = text(start + 1, index)
        }
        position = index + 1
        return Token(kind: .string, start: start, end: position, location: location, value: .string(value))
    }

    /// Decodes the escape whose backslash is at `start` and returns the offset after it.
    private mutating func decodeEscape(at start: Int, into decoded: inout [UInt8]) throws(DatalogError) -> Int {
        guard start + 1 < bytes.count else {
            throw DatalogError.parse(message: "unterminated string ends in a backslash", at: location(at: start))
        }
        let simple: UInt8? =
            switch bytes[start + 1] {
            case .doubleQuote: .doubleQuote
            case .singleQuote: .singleQuote
            case .backslash: .backslash
            case UInt8(ascii: "n"): .newline
            case UInt8(ascii: "t"): .tab
            case UInt8(ascii: "r"): .carriageReturn
            case UInt8(ascii: "0"): 0
            default: nil
            }
        if let simple {
            decoded.append(simple)
            return start + 2
        }
        guard bytes[start + 1] == UInt8(ascii: "u") else {
            throw DatalogError.parse(
                message:
                    "unknown escape '\\\(character(at: start + 1))' in string; use \\\" \\' \\\\ \\n \\t \\r \\0 \\uXXXX or \\u{...}",
                at: location(at: start))
        }

        var index = start + 2
        let braced = index < bytes.count && bytes[index] == UInt8(ascii: "{")
        if braced { index += 1 }
        let digitsStart = index
        while index < bytes.count && index - digitsStart < 8 && hexValue(bytes[index]) != nil { index += 1 }
        let digitCount = index - digitsStart
        var end = index

        let wellFormed: Bool
        if braced {
            wellFormed = digitCount >= 1 && index < bytes.count && bytes[index] == UInt8(ascii: "}")
            end = index + 1
        } else {
            wellFormed = digitCount >= 4
            end = digitsStart + 4
        }
        var scalarValue: UInt32 = 0
        for byte in bytes[digitsStart..<min(end, index)] { scalarValue = scalarValue << 4 | UInt32(hexValue(byte)!) }
        guard wellFormed, let scalar = Unicode.Scalar(scalarValue) else {
            let escapeText = text(start, min(max(end, index), bytes.count))
            throw DatalogError.parse(
                message: "invalid Unicode escape \(escapeText) in string; "
                    + "write \\uXXXX or \\u{X...} for a Unicode scalar",
                at: location(at: start))
        }
        decoded.append(contentsOf: String(Character(scalar)).utf8)
        return end
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}
