/// The kinds of token in policy text.
enum TokenKind: UInt8, Sendable {
    case identifier
    case integer
    case float
    case string
    case leftParen
    case rightParen
    case leftBracket
    case rightBracket
    case comma
    case colon
    case semicolon
    case dot
    case turnstile
    case equals
    case plus
    case minus
    case bang
    case end
}

/// One token: its kind, its byte range in the UTF-8 text, where it starts, and for a number or
/// string its decoded value.
struct Token {
    var kind: TokenKind
    var start: Int
    var end: Int
    var location: SourceLocation
    var value: Value? = nil
}

/// A lexer over the UTF-8 bytes of policy text that skips whitespace and comments.
///
/// The caller keeps `bytes` alive for the lexer's lifetime. Locations are computed in one forward
/// pass, so tokens must be read in order.
struct Lexer {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The byte offset of the next unread byte.
    var position = 0
    private var tracker = LocationTracker()

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Returns the source text of a byte range.
    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Returns the line and column of a byte offset at or after the last one requested.
    mutating func location(at offset: Int) -> SourceLocation {
        tracker.advance(to: offset, in: bytes)
    }

    /// Reads the next token, or a `.end` token at the end of the text.
    mutating func next() throws(DatalogError) -> Token {
        try skipWhitespaceAndComments()
        let start = position
        let location = self.location(at: start)
        guard start < bytes.count else {
            return Token(kind: .end, start: start, end: start, location: location)
        }

        let byte = bytes[start]
        let following = start + 1 < bytes.count ? bytes[start + 1] : 0
        // A `.` starts a float (`.5`) or a name (`.x`) when one follows, and is a terminator otherwise.
        if byte == .dot && isASCIIDigit(following) {
            return try scanNumber(from: start, location: location)
        }
        if isASCIILetter(byte) || byte == .underscore
            || (byte == .dot && (isASCIILetter(following) || following == .underscore))
        {
            return scanIdentifier(from: start, location: location)
        }
        let startsFraction = following == .dot && start + 2 < bytes.count && isASCIIDigit(bytes[start + 2])
        if isASCIIDigit(byte) || (byte == .minus && (isASCIIDigit(following) || startsFraction)) {
            return try scanNumber(from: start, location: location)
        }
        if byte == .doubleQuote || byte == .singleQuote {
            return try scanString(from: start, location: location)
        }

        let kind: TokenKind
        var length = 1
        switch byte {
        case UInt8(ascii: "("): kind = .leftParen
        case UInt8(ascii: ")"): kind = .rightParen
        case UInt8(ascii: "["): kind = .leftBracket
        case UInt8(ascii: "]"): kind = .rightBracket
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: ";"): kind = .semicolon
        case UInt8(ascii: "="): kind = .equals
        case UInt8(ascii: "+"): kind = .plus
        case UInt8(ascii: "!"): kind = .bang
        case .minus: kind = .minus
        case .dot: kind = .dot
        case UInt8(ascii: ":"):
            if following == .minus {
                kind = .turnstile
                length = 2
            } else {
                kind = .colon
            }
        default:
            throw DatalogError.parse(message: "unexpected character '\(character(at: start))'", at: location)
        }
        position = start + length
        return Token(kind: kind, start: start, end: position, location: location)
    }

    /// Scans a name of letters, digits, `_` and `.`. A trailing `.` followed by whitespace, a
    /// comment or the end of the text is left out of the name, so `p.` ends a statement `p`.
    private mutating func scanIdentifier(from start: Int, location: SourceLocation) -> Token {
        var end = start + 1
        while end < bytes.count && isIdentifierPart(bytes[end]) { end += 1 }

        while end - 1 > start && bytes[end - 1] == .dot && endsStatement(at: end) { end -= 1 }
        position = end
        return Token(kind: .identifier, start: start, end: end, location: location)
    }

    private func endsStatement(at offset: Int) -> Bool {
        guard offset < bytes.count else { return true }
        switch bytes[offset] {
        case .space, .tab, .newline, .carriageReturn, UInt8(ascii: "#"), UInt8(ascii: "/"): return true
        default: return false
        }
    }

    private mutating func skipWhitespaceAndComments() throws(DatalogError) {
        while position < bytes.count {
            let byte = bytes[position]
            let following = position + 1 < bytes.count ? bytes[position + 1] : 0
            switch byte {
            case .space, .tab, .newline, .carriageReturn, 0x0B, 0x0C:
                position += 1
            case UInt8(ascii: "#"):
                skipLine()
            case UInt8(ascii: "/") where following == UInt8(ascii: "/"):
                skipLine()
            case UInt8(ascii: "/") where following == UInt8(ascii: "*"):
                let start = position
                position += 2
                while position + 1 < bytes.count
                    && !(bytes[position] == UInt8(ascii: "*") && bytes[position + 1] == UInt8(ascii: "/"))
                {
                    position += 1
                }
                guard position + 1 < bytes.count else {
                    throw DatalogError.parse(
                        message: "unterminated comment; expected '*/' to close the '/*' here", at: location(at: start))
                }
                position += 2
            default:
                return
            }
        }
    }

    private mutating func skipLine() {
        while position < bytes.count && bytes[position] != .newline { position += 1 }
    }

    /// Returns the whole Unicode scalar that starts at `offset`, for error messages.
    func character(at offset: Int) -> String {
        var end = offset + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return text(offset, end)
    }
}

/// Converts byte offsets to 1-based line and column, counting columns in Unicode scalars.
private struct LocationTracker {
    var offset = 0
    var line = 1
    var column = 1

    mutating func advance(to target: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        while offset < target {
            let byte = bytes[offset]
            if byte == .newline {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            offset += 1
        }
        return SourceLocation(line: line, column: column)
    }
}

func isASCIIDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
}

func isIdentifierStart(_ byte: UInt8) -> Bool {
    isASCIILetter(byte) || byte == .underscore || byte == .dot
}

func isIdentifierPart(_ byte: UInt8) -> Bool {
    isIdentifierStart(byte) || isASCIIDigit(byte)
}

extension UInt8 {
    static let dot = UInt8(ascii: ".")
    static let minus = UInt8(ascii: "-")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let underscore = UInt8(ascii: "_")
}
