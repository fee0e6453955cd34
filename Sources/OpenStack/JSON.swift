import Foundation

/// A JSON document as the OpenStack APIs send it, kept exact: integers stay integers and
/// booleans stay booleans, so translators can follow Congress's value conventions.
public enum JSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// The member `key` of an object, or nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .int(let number): return number
        case .double(let number) where number == number.rounded(): return Int64(exactly: number)
        default: return nil
        }
    }

    public var arrayValue: [JSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: [String: JSON]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var isNull: Bool { self == .null }
}

extension JSON {
    /// Parses UTF-8 JSON text. Throws `OpenStackError.invalidJSON` naming `source` when the
    /// text is not JSON.
    public static func parse(_ data: Data, source: String) throws -> JSON {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw OpenStackError.invalidJSON(source: source, reason: "\(error)")
        }
        return JSON(foundation: object)
    }

    /// Converts a JSONSerialization result. Foundation on Linux hands booleans back as
    /// NSNumber with the Objective-C type code "c", which distinguishes them from 0 and 1.
    init(foundation value: Any) {
        switch value {
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            self = JSON(number: number)
        case let items as [Any]:
            self = .array(items.map { JSON(foundation: $0) })
        case let members as [String: Any]:
            self = .object(members.mapValues { JSON(foundation: $0) })
        default:
            self = .null
        }
    }

    private init(number: NSNumber) {
        let code = String(cString: number.objCType)
        switch code {
        case "c", "B":
            self = .bool(number.boolValue)
        case "f", "d":
            self = .double(number.doubleValue)
        default:
            self = .int(number.int64Value)
        }
    }

    /// The value as compact JSON text with sorted keys, so equal values give equal text.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Encodes the value as a request body.
    public var data: Data { Data(text.utf8) }

    private func write(to out: inout String) {
        switch self {
        case .null:
            out += "null"
        case .bool(let flag):
            out += flag ? "true" : "false"
        case .int(let number):
            out += String(number)
        case .double(let number):
            out += number.isFinite ? "\(number)" : "null"
        case .string(let text):
            JSON.writeString(text, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                JSON.writeString(key, to: &out)
                out += ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }

    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
