// Comparison, arithmetic and string built-ins, with Python 3 semantics where Congress used Python
// operators: numbers compare across int and float, strings compare by code point, and an
// operation Python would reject with a TypeError or ZeroDivisionError makes the literal false.

/// Comparisons, `max`, `plus`, `minus`, `mul`, `div`, `float`, `int`, `concat` and `len`.
let arithmeticBuiltins: [Builtin] = [
    .test("lt") { pythonCompare($0, $1).map { $0 < 0 } ?? false },
    .test("lteq") { pythonCompare($0, $1).map { $0 <= 0 } ?? false },
    .test("gt") { pythonCompare($0, $1).map { $0 > 0 } ?? false },
    .test("gteq") { pythonCompare($0, $1).map { $0 >= 0 } ?? false },
    .test("equal") { pythonCompare($0, $1) == 0 },
    .binary("max") { a, b in
        // Python's max returns the first argument unless the second is greater.
        guard let order = pythonCompare(a, b) else { return nil }
        return order < 0 ? b : a
    },
    .binary("plus", add),
    .binary("minus", subtract),
    .binary("mul", multiply),
    .binary("div", divide),
    .unary("float", toFloat),
    .unary("int", toInt),
    .binary("concat") { a, b in
        guard case .string(let x) = a, case .string(let y) = b else { return nil }
        return .string(x + y)
    },
    .unary("len") { value in
        guard case .string(let text) = value else { return nil }
        return .int(Int64(text.unicodeScalars.count))
    },
]

/// The maximum length, in UTF-8 bytes, of a string that `mul` builds by repetition.
private let maximumRepeatedLength = 1 << 20

/// Compares two values as Python 3 does: numbers by exact numeric value, strings by code point.
/// Returns nil when Python raises (a number against a string) or the order is undefined (NaN).
func pythonCompare(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case (.int(let x), .int(let y)):
        return x < y ? -1 : (x == y ? 0 : 1)
    case (.float(let x), .float(let y)):
        if x.isNaN || y.isNaN { return nil }
        return x < y ? -1 : (x == y ? 0 : 1)
    case (.int(let x), .float(let y)):
        return compareExactly(x, y)
    case (.float(let x), .int(let y)):
        return compareExactly(y, x).map { -$0 }
    case (.string(let x), .string(let y)):
        // UTF-8 byte order is code point order, which is how Python orders str.
        if x.utf8.elementsEqual(y.utf8) { return 0 }
        return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
    default:
        return nil
    }
}

/// Compares an integer with a float without rounding the integer, as Python does.
private func compareExactly(_ integer: Int64, _ float: Double) -> Int? {
    if float.isNaN { return nil }
    if float >= 9_223_372_036_854_775_808.0 { return -1 }
    if float < -9_223_372_036_854_775_808.0 { return 1 }

    // Converting to Int64 truncates toward zero; `rounded` would need libm, which this target does not link.
    let whole = Int64(float)
    if integer != whole { return integer < whole ? -1 : 1 }
    let fraction = float - Double(whole)
    return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
}

/// Makes a float value, or nil for infinity or NaN, which have no literal in the language.
private func finite(_ number: Double) -> Value? {
    number.isFinite ? .float(number) : nil
}

private func add(_ a: Value, _ b: Value) -> Value? {
    switch (a, b) {
    case (.int(let x), .int(let y)):
        let (sum, overflow) = x.addingReportingOverflow(y)
        return overflow ? nil : .int(sum)
    case (.string(let x), .string(let y)):
        return .string(x + y)
    default:
        guard let x = a.number, let y = b.number else { return nil }
        return finite(x + y)
    }
}

private func subtract(_ a: Value, _ b: Value) -> Value? {
    if case .int(let x) = a, case .int(let y) = b {
        let (difference, overflow) = x.subtractingReportingOverflow(y)
        return overflow ? nil : .int(difference)
    }
    guard let x = a.number, let y = b.number else { return nil }
    return finite(x - y)
}

private func multiply(_ a: Value, _ b: Value) -> Value? {
    switch (a, b) {
    case (.int(let x), .int(let y)):
        let (product, overflow) = x.multipliedReportingOverflow(by: y)
        return overflow ? nil : .int(product)
    case (.string(let text), .int(let count)), (.int(let count), .string(let text)):
        // Python repeats a string multiplied by an int; a count below 1 gives "".
        guard count > 0 else { return .string("") }
        guard count <= maximumRepeatedLength / max(text.utf8.count, 1) else { return nil }
        return .string(String(repeating: text, count: Int(count)))
    default:
        guard let x = a.number, let y = b.number else { return nil }
        return finite(x * y)
    }
}

/// Divides as Congress did: floor division for two ints, true division otherwise.
private func divide(_ a: Value, _ b: Value) -> Value? {
    if case .int(let x) = a, case .int(let y) = b {
        guard y != 0, !(x == .min && y == -1) else { return nil }
        var quotient = x / y
        if x % y != 0 && (x < 0) != (y < 0) { quotient -= 1 }
        return .int(quotient)
    }
    guard let x = a.number, let y = b.number, y != 0 else { return nil }
    return finite(x / y)
}

/// Converts like Python's `float()`: numbers, and strings in decimal float syntax.
///
/// NOTE: Python also accepts `"inf"` and `"nan"`; here they make the literal false, because the
/// language has no literal for them.
private func toFloat(_ value: Value) -> Value? {
    switch value {
    case .int(let x): return .float(Double(x))
    case .float: return value
    case .string(let text): return parseDecimalFloat(trimmingWhitespace(text)).flatMap(finite)
    }
}

/// Converts like Python's `int()`: a float truncates toward zero, and a string must spell a
/// decimal integer (`int("2.5")` fails in Python, and so here).
private func toInt(_ value: Value) -> Value? {
    switch value {
    case .int:
        return value
    case .float(let x):
        guard x >= -9_223_372_036_854_775_808.0 && x < 9_223_372_036_854_775_808.0 else { return nil }
        return .int(Int64(x))
    case .string(let text):
        return parseDecimalInteger(trimmingWhitespace(text)).map { .int($0) }
    }
}

func trimmingWhitespace(_ text: String) -> Substring {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
    return Substring(scalars[first...last])
}

/// Parses Python integer text: an optional sign, then decimal digits with single `_` between them.
func parseDecimalInteger(_ text: Substring) -> Int64? {
    var digits = ""
    var previousWasDigit = false
    for (offset, character) in text.enumerated() {
        if offset == 0 && (character == "+" || character == "-") {
            digits.append(character)
        } else if character.isASCII && character.isNumber {
            digits.append(character)
            previousWasDigit = true
            continue
        } else if character == "_" && previousWasDigit {
            previousWasDigit = false
            continue
        } else {
            return nil
        }
    }
    guard previousWasDigit else { return nil }
    return Int64(digits)
}

/// Parses Python float text in decimal: `1.5`, `.5`, `2.`, `1e3`, `-1.5E-3`, with an optional sign.
func parseDecimalFloat(_ text: Substring) -> Double? {
    var sawDigit = false
    var sawDot = false
    var sawExponent = false
    var previous: Character = " "
    for character in text {
        switch character {
        case "0"..."9":
            sawDigit = true
        case "+", "-":
            guard previous == " " || previous == "e" || previous == "E" else { return nil }
        case ".":
            guard !sawDot && !sawExponent else { return nil }
            sawDot = true
        case "e", "E":
            guard sawDigit && !sawExponent else { return nil }
            sawExponent = true
        default:
            return nil
        }
        previous = character
    }
    guard sawDigit, previous != "e", previous != "E", previous != "+", previous != "-" else { return nil }
    return Double(String(text))
}
