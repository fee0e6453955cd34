/// A JSON syntax error, with the byte offset where reading stopped.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A document read by `JSONReader`, with the paths of strings whose bytes were not valid UTF-8.
public struct JSONDocument: Sendable {
    public var value: JSONValue
    /// Dotted paths (`http.url`) of strings in which invalid UTF-8 bytes became U+FFFD.
    public var repairedStrings: [String]
}

/// Reads one JSON text from UTF-8 bytes (RFC 8259), without Foundation.
///
/// Numbers keep their digits (see `JSONNumber`). A string with bytes that are not valid UTF-8 is
/// kept with U+FFFD in their place and its path is listed in `JSONDocument.repairedStrings`, so a
/// bad byte in one field costs only that field. Nesting deeper than `maximumDepth` is an error.
public struct JSONReader {
    public static let maximumDepth = 128

    /// Parses `bytes` as exactly one JSON value surrounded by optional white space.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONDocument {
        let array = Array(bytes)
        let result: Result<JSONDocument, JSONError> = array.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer: buffer)
            do {
                let value = try reader.readDocument()
                return .success(JSONDocument(value: value, repairedStrings: reader.repairedStrings))
            } catch let error as JSONError {
                return .failure(error)
            } catch {
                return .failure(JSONError(offset: reader.position, reason: "\(error)"))
            }
        }
        return try result.get()
    }

    /// Parses the UTF-8 bytes of `text`.
    public static func parse(_ text: String) throws(JSONError) -> JSONDocument {
        try parse(Array(text.utf8))
    }

    let buffer: UnsafeBufferPointer<UInt8>
    var position = 0
    var path: [String] = []
    var repairedStrings: [String] = []

    init(buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func readDocument() throws(JSONError) -> JSONValue {
        skipWhitespace()
        let value = try readValue(depth: 0)
        skipWhitespace()
        if position < buffer.count {
            throw fail("unexpected data after the JSON value")
        }
        return value
    }

    func fail(_ reason: String) -> JSONError {
        JSONError(offset: position, reason: reason)
    }

    mutating func skipWhitespace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func readValue(depth: Int) throws(JSONError) -> JSONValue {
        guard position < buffer.count else { throw fail("unexpected end of input, a value is missing") }
        switch buffer[position] {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try readLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try readLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try readLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw fail("unexpected character \(describeByte(buffer[position])), a value is missing")
        }
    }

    mutating func readLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw fail("truncated literal, expected \(word)") }
        for index in 0..<count where buffer[position + index] != word.utf8Start[index] {
            throw fail("invalid literal, expected \(word)")
        }
        position += count
        return value
    }

    mutating func readObject(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        position += 1
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject(members: members))
        }
        while true {
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else {
                throw fail("expected a quoted member name")
            }
            let key = try readString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after member name \"\(key)\"")
            skipWhitespace()
            path.append(key)
            let value = try readValue(depth: depth)
            path.removeLast()
            members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard position < buffer.count else { throw fail("unexpected end of input inside an object") }
            if buffer[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
            return .object(JSONObject(members: members))
        }
    }

    mutating func readArray(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth) levels") }
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            path.append(String(items.count))
            items.append(try readValue(depth: depth))
            path.removeLast()
            skipWhitespace()
            guard position < buffer.count else { throw fail("unexpected end of input inside an array") }
            if buffer[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "expected ',' or ']' in an array")
            return .array(items)
        }
    }

    mutating func expect(_ byte: UInt8, _ reason: String) throws(JSONError) {
        guard position < buffer.count, buffer[position] == byte else { throw fail(reason) }
        position += 1
    }

    mutating func readNumber() throws(JSONError) -> JSONNumber {
        let start = position
        if buffer[position] == UInt8(ascii: "-") { position += 1 }
        guard position < buffer.count, isDigit(buffer[position]) else { throw fail("a number must start with a digit") }
        if buffer[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            position += 1
            guard position < buffer.count, isDigit(buffer[position]) else {
                throw fail("digits are missing after the decimal point")
            }
            skipDigits()
        }
        if position < buffer.count, buffer[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < buffer.count, isDigit(buffer[position]) else {
                throw fail("digits are missing in the exponent")
            }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
        return JSONNumber(text: text)
    }

    mutating func skipDigits() {
        while position < buffer.count, isDigit(buffer[position]) { position += 1 }
    }

    func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

func describeByte(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x" + String(byte, radix: 16, uppercase: true)
}
