/// The path and query of a request target, split and percent-decoded.
struct RequestTarget: Equatable {
    var rawPath: String
    var pathSegments: [String]
    var queryItems: [HTTPQueryItem]

    /// A request target that cannot be decoded; `value` is the offending part as sent.
    enum ParseError: Error, Equatable {
        case invalidPercentEncoding(value: String)
    }

    /// Returns the path part of a request target without decoding it, for logs.
    static func rawPath(of target: String) -> String {
        (try? RequestTarget(parsing: target).rawPath) ?? String(target.prefix { $0 != "?" })
    }

    /// Parses an origin-form (`/a/b?x=1`) or absolute-form (`http://host/a/b?x=1`) request target.
    init(parsing target: String) throws(ParseError) {
        var rest = Substring(target)
        if let schemeEnd = rest.range(of: "://"), !rest.hasPrefix("/") {
            let afterScheme = rest[schemeEnd.upperBound...]
            rest = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        }
        if let fragment = rest.firstIndex(of: "#") {
            rest = rest[..<fragment]
        }

        var rawQuery: Substring = ""
        if let question = rest.firstIndex(of: "?") {
            rawQuery = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }
        rawPath = String(rest)

        var segments = rest.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if segments.last == "" {
            segments = segments.dropLast()
        }
        pathSegments = try segments.map { segment throws(ParseError) in
            guard let decoded = percentDecode(segment, plusAsSpace: false) else {
                throw .invalidPercentEncoding(value: String(segment))
            }
            return decoded
        }

        queryItems = []
        for pair in rawQuery.split(separator: "&") {
            let equals = pair.firstIndex(of: "=")
            let rawName = equals.map { pair[..<$0] } ?? pair
            guard let name = percentDecode(rawName, plusAsSpace: true) else {
                throw .invalidPercentEncoding(value: String(pair))
            }
            guard let equals else {
                queryItems.append(HTTPQueryItem(name: name, value: nil))
                continue
            }
            guard let value = percentDecode(pair[pair.index(after: equals)...], plusAsSpace: true) else {
                throw .invalidPercentEncoding(value: String(pair))
            }
            queryItems.append(HTTPQueryItem(name: name, value: value))
        }
    }
}

/// Decodes `%XX` escapes, and `+` as a space when asked; returns nil for a bad escape or bytes that are not UTF-8.
func percentDecode(_ text: Substring, plusAsSpace: Bool) -> String? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)

    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
        switch byte {
        case UInt8(ascii: "%"):
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        case UInt8(ascii: "+") where plusAsSpace:
            bytes.append(UInt8(ascii: " "))
        default:
            bytes.append(byte)
        }
    }
    return String(validating: bytes, as: UTF8.self)
}

private func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
    default: return nil
    }
}
