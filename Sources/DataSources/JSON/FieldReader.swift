/// An invalid value in a field the line cannot do without.
struct FieldError: Error {
    var reason: String
}

/// Reads typed fields from a JSON record by dotted path, collecting a warning for each field whose
/// value has the wrong type. A missing or `null` field reads as nil without a warning.
struct FieldReader {
    let root: JSONValue
    var warnings: [String] = []

    init(root: JSONValue) {
        self.root = root
    }

    private func present(_ path: String) -> JSONValue? {
        guard let value = root.value(atPath: path), !value.isNull else { return nil }
        return value
    }

    mutating func string(_ path: String) -> String? {
        guard let value = present(path) else { return nil }
        switch value {
        case .string(let text): return text
        case .number(let number): return number.text
        case .bool(let flag): return flag ? "true" : "false"
        default:
            warnings.append("\(path) is not a string, ignored")
            return nil
        }
    }

    mutating func integer(_ path: String) -> Int64? {
        guard let value = present(path) else { return nil }
        if let number = value.numberValue?.int64 { return number }
        if let text = value.stringValue, let number = Int64(text) { return number }
        warnings.append("\(path) is not an integer: \(excerpt(value)), ignored")
        return nil
    }

    /// A port: an integer from 0 to 65535.
    mutating func port(_ path: String) -> Int64? {
        guard let number = integer(path) else { return nil }
        guard (0...65535).contains(number) else {
            warnings.append("\(path) \(number) is not a port number (0 to 65535), ignored")
            return nil
        }
        return number
    }

    /// A flow id as unsigned decimal text: from a JSON number of any size, or a string of digits.
    mutating func flowID(_ path: String) -> String? {
        guard let value = present(path) else { return nil }
        let text: String
        switch value {
        case .number(let number): text = number.text
        case .string(let string): text = string
        default: text = ""
        }
        guard !text.isEmpty, text.count <= 20, text.allSatisfy(\.isASCIIDigit) else {
            warnings.append("\(path) is not an unsigned integer: \(excerpt(value)), ignored")
            return nil
        }
        return text
    }

    mutating func timestamp(_ path: String) -> Timestamp? {
        guard let value = present(path) else { return nil }
        if let text = value.stringValue, let time = Timestamp.parseISO8601(text) { return time }
        warnings.append("\(path) is not an ISO 8601 time: \(excerpt(value)), ignored")
        return nil
    }

    /// VLAN tags as text, outermost first: the list form `[1, 10]` gives `1,10`, and the
    /// scalar form before Suricata 5 (`61`) gives `61`.
    mutating func vlan(_ path: String) -> String {
        guard let value = present(path) else { return "" }
        if let number = value.numberValue?.int64 { return String(number) }
        if let items = value.arrayValue {
            let tags = items.compactMap { $0.numberValue?.int64 }
            if tags.count == items.count { return tags.map(String.init).joined(separator: ",") }
        }
        warnings.append("\(path) is neither a VLAN id nor a list of them: \(excerpt(value)), ignored")
        return ""
    }

    /// An IP address in canonical text; throws when the field contains something else.
    func address(_ path: String) throws(FieldError) -> String? {
        guard let value = present(path) else { return nil }
        guard let text = value.stringValue, let canonical = canonicalAddress(text) else {
            throw FieldError(reason: "\(path) is not a valid IP address: \(excerpt(value))")
        }
        return canonical
    }
}

/// A short, printable rendering of a value for messages (at most 60 characters, controls escaped).
func excerpt(_ value: JSONValue) -> String {
    switch value {
    case .string(let text): return "\"" + shorten(text) + "\""
    case .number(let number): return number.text
    case .bool(let flag): return flag ? "true" : "false"
    case .null: return "null"
    case .array: return "an array"
    case .object: return "an object"
    }
}

/// Shortens text to `limit` characters and escapes control characters, for log messages.
func shorten(_ text: some StringProtocol, limit: Int = 60) -> String {
    var output = ""
    for scalar in text.unicodeScalars.prefix(limit) {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            output += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else {
            output.unicodeScalars.append(scalar)
        }
    }
    if text.unicodeScalars.count > limit { output += "..." }
    return output
}
