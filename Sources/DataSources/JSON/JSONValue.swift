/// A parsed JSON value.
///
/// Numbers keep their literal text, so a 64-bit `flow_id` or a count above 2^53 survives exactly;
/// objects keep their members in document order and look keys up by a linear scan, which is the
/// fast choice for the small objects that log lines hold.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member `key` of an object, or nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The value at a dotted path such as `alert.signature_id`.
    public func value(atPath path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".") {
            current = current?[String(key)]
        }
        return current
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var numberValue: JSONNumber? {
        if case .number(let number) = self { return number }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    public var isNull: Bool { self == .null }
}

/// A JSON number as its literal text, converted on demand.
public struct JSONNumber: Equatable, Sendable, CustomStringConvertible {
    /// The number exactly as the document wrote it, for example `9007199254740993` or `-1.5e3`.
    public let text: String

    public init(text: String) {
        self.text = text
    }

    public var int64: Int64? { Int64(text) }
    public var uint64: UInt64? { UInt64(text) }
    public var double: Double? { Double(text) }

    /// Whether the literal has no fraction or exponent.
    public var isInteger: Bool { !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) }

    public var description: String { text }
}

/// The members of a JSON object in document order.
public struct JSONObject: Equatable, Sendable {
    public struct Member: Equatable, Sendable {
        public var key: String
        public var value: JSONValue
    }

    public var members: [Member]

    public init(members: [Member] = []) {
        self.members = members
    }

    /// The value of the first member named `key`. Costs a scan of the members.
    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key {
            return member.value
        }
        return nil
    }
}
