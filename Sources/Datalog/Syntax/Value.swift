/// A constant of the policy language: an integer, a float or a string.
///
/// Values order numbers before strings; integers and floats compare by numeric value, so
/// `1 < 1.5 < 2` holds across the two kinds.
public enum Value: Hashable, Sendable {
    case int(Int64)
    case float(Double)
    case string(String)

    /// The number this value holds, or nil for a string.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let f): return f
        case .string: return nil
        }
    }

    /// The string this value holds, or nil for a number.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

extension Value: Comparable {
    public static func < (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return a < b
        case (.string(let a), .string(let b)): return a < b
        case (.string, _): return false
        case (_, .string): return true
        default: return lhs.number! < rhs.number!
        }
    }
}

extension Value: CustomStringConvertible {
    /// The value as the language writes it: strings in double quotes with `\"`, `\\`, `\n`,
    /// `\t`, `\r` escaped, numbers in their shortest round-trip form.
    public var description: String {
        switch self {
        case .int(let i):
            return String(i)
        case .float(let f):
            return formatFloat(f)
        case .string(let s):
            return quote(s)
        }
    }
}

/// Writes a float the way Python's `repr` does for the common cases (`2.0`, `0.5`, `1e-05`).
func formatFloat(_ f: Double) -> String {
    if f.isNaN { return "nan" }
    if f.isInfinite { return f < 0 ? "-inf" : "inf" }
    var text = "\(f)"
    if !text.contains(".") && !text.contains("e") { text += ".0" }
    return text
}

/// Quotes a string with double quotes and backslash escapes.
func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\0": out += "\\0"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            out += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
    return out
}
