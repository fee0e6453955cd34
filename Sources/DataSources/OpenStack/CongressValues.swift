import Datalog
import OpenStack

/// Conversions from API JSON to policy values, following Congress's drivers so that policies
/// written for Congress keep matching: booleans become `"True"`/`"False"`, null and missing
/// fields become `"None"`, numbers stay numbers.
enum CongressValues {
    static let none = Value.string("None")

    /// Converts a scalar. Lists and objects, which Congress printed with Python's `str()`,
    /// become their compact JSON text instead, with keys sorted so equal values give equal text.
    static func value(_ json: JSON?) -> Value {
        guard let json else { return none }
        switch json {
        case .null: return none
        case .bool(let flag): return .string(flag ? "True" : "False")
        case .int(let number): return .int(number)
        case .double(let number): return .float(number)
        case .string(let text): return .string(text)
        case .array, .object: return .string(json.text)
        }
    }

    /// Converts an IP address to its canonical text: RFC 5952 for IPv6, dotted quad for IPv4
    /// and for IPv4-mapped IPv6. Text that is not an address is kept as it is, as Congress did.
    static func address(_ json: JSON?) -> Value {
        guard let text = json?.stringValue else { return value(json) }
        guard let address = IPAddress(text) else { return .string(text) }
        return .string(address.description)
    }

    /// Converts a CIDR to canonical text. Host bits are kept as written, so that a subnet
    /// given as `10.0.0.1/24` is not silently turned into another network's text.
    static func network(_ json: JSON?) -> Value {
        guard let text = json?.stringValue else { return value(json) }
        guard let slash = text.firstIndex(of: "/"), let address = IPAddress(String(text[..<slash])) else {
            return .string(text)
        }
        return .string(address.description + text[slash...])
    }
}
