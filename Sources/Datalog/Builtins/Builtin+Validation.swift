// Validation built-ins in the manner of oslo.config's option types, which Congress called. The
// output is "" for a valid value and otherwise a message that says why the value is invalid. The
// literal is false only when the limits themselves are unusable. The messages are this project's own.

/// `validate_int`, `validate_float` and `validate_string`.
let validationBuiltins: [Builtin] = [
    Builtin("validate_int", arity: 4, inputs: 3) { inputs, _ in
        validateRange(inputs, kind: "an integer") { value in
            switch value {
            case .int(let number): return number
            case .string(let text): return parseDecimalInteger(trimmingWhitespace(text))
            case .float: return nil
            }
        }
    },
    Builtin("validate_float", arity: 4, inputs: 3) { inputs, _ in
        validateRange(inputs, kind: "a number") { value in
            switch value {
            case .int(let number): return Double(number)
            case .float(let number): return number.isNaN ? nil : number
            case .string(let text): return parseDecimalFloat(trimmingWhitespace(text))
            }
        }
    },
    Builtin("validate_string", arity: 6, inputs: 5) { inputs, _ in
        validateString(inputs)
    },
]

/// Checks `inputs[2]` against the bounds `inputs[0]` and `inputs[1]`, where "" means no bound.
private func validateRange<Number: Comparable>(
    _ inputs: [Value], kind: String, convert: (Value) -> Number?
) -> [Value]? {
    var bounds: [Number?] = []
    for bound in inputs[0..<2] {
        if bound == .string("") {
            bounds.append(nil)
            continue
        }
        guard let number = convert(bound) else { return nil }
        bounds.append(number)
    }

    let valueText = inputs[2].description
    guard let number = convert(inputs[2]) else {
        return [.string("value \(valueText) is not \(kind)")]
    }
    if let minimum = bounds[0], number < minimum {
        return [.string("value \(valueText) is less than the minimum \(pythonText(inputs[0]))")]
    }
    if let maximum = bounds[1], number > maximum {
        return [.string("value \(valueText) is greater than the maximum \(pythonText(inputs[1]))")]
    }
    return [.string("")]
}

/// Checks `value` (the fifth input) against an optional regex searched anywhere in the value, a
/// maximum length in characters (`""` or 0 for none), whether it must be quoted, and whether
/// the regex ignores case.
private func validateString(_ inputs: [Value]) -> [Value]? {
    guard let quotes = truthValue(inputs[2]), let ignoreCase = truthValue(inputs[3]) else { return nil }

    var regex: PythonRegex? = nil
    switch inputs[0] {
    case .string(""): break
    case .string(let pattern):
        guard let compiled = PythonRegex(pattern, ignoreCase: ignoreCase) else { return nil }
        regex = compiled
    default: return nil
    }

    var maximumLength: Int? = nil
    switch inputs[1] {
    case .string(""), .int(0): break
    case .int(let length) where length > 0: maximumLength = Int(length)
    default: return nil
    }

    var value = pythonText(inputs[4])
    let scalars = value.unicodeScalars
    if quotes, let first = scalars.first, first == "\"" || first == "'" {
        guard scalars.count >= 2, scalars.last == first else {
            return [.string("value \(quote(value)) has an unclosed quote")]
        }
        value = String(scalars.dropFirst().dropLast())
    }
    if let maximumLength, value.unicodeScalars.count > maximumLength {
        return [.string("value \(quote(value)) is longer than \(maximumLength) characters")]
    }
    if let regex, !regex.search(value), case .string(let pattern) = inputs[0] {
        return [.string("value \(quote(value)) does not match the pattern \(quote(pattern))")]
    }
    return [.string("")]
}

/// Reads a flag as Congress stores one: `True`/`False` strings (any case), `1`/`0`, or "" for false.
private func truthValue(_ value: Value) -> Bool? {
    switch value {
    case .int(let number) where number == 0 || number == 1:
        return number == 1
    case .string(let text):
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0", "": return false
        default: return nil
        }
    default:
        return nil
    }
}
