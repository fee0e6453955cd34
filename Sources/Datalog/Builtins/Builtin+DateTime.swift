// Date-time built-ins. Date-times are strings such as `2024-05-01 10:20:30`; time zones in the
// text are ignored, as in Congress.

/// `now`, `unpack_*`, `pack_*`, `extract_*`, `datetime_to_seconds`, `datetime_plus`,
/// `datetime_minus` and the `datetime_*` comparisons.
let dateTimeBuiltins: [Builtin] = [
    // NOTE: Congress returned the server's local time. This returns UTC, so that policies read
    // the same on every server.
    Builtin("now", arity: 1, inputs: 0) { _, context in
        DateTime(secondsSince1970: context.now).map { [.string($0.text)] }
    },
    Builtin("unpack_date", arity: 4, inputs: 1) { inputs, context in
        parseDateTime(inputs[0], context).map { [.int(Int64($0.year)), .int(Int64($0.month)), .int(Int64($0.day))] }
    },
    Builtin("unpack_time", arity: 4, inputs: 1) { inputs, context in
        parseDateTime(inputs[0], context).map {
            [.int(Int64($0.hour)), .int(Int64($0.minute)), .int(Int64($0.second))]
        }
    },
    Builtin("unpack_datetime", arity: 7, inputs: 1) { inputs, context in
        parseDateTime(inputs[0], context).map { time in
            [time.year, time.month, time.day, time.hour, time.minute, time.second].map { .int(Int64($0)) }
        }
    },
    Builtin("pack_date", arity: 4, inputs: 3) { inputs, _ in
        [.string(inputs.map(pythonText).joined(separator: "-"))]
    },
    Builtin("pack_time", arity: 4, inputs: 3) { inputs, _ in
        [.string(inputs.map(pythonText).joined(separator: ":"))]
    },
    Builtin("pack_datetime", arity: 7, inputs: 6) { inputs, _ in
        let date = inputs[0..<3].map(pythonText).joined(separator: "-")
        let time = inputs[3..<6].map(pythonText).joined(separator: ":")
        return [.string(date + " " + time)]
    },
    Builtin("extract_date", arity: 2, inputs: 1) { inputs, context in
        parseDateTime(inputs[0], context).map { [.string($0.dateText)] }
    },
    Builtin("extract_time", arity: 2, inputs: 1) { inputs, context in
        parseDateTime(inputs[0], context).map { [.string($0.timeText)] }
    },
    Builtin("datetime_to_seconds", arity: 2, inputs: 1) { inputs, context in
        parseDateTime(inputs[0], context).map { [.int(secondsSince1900($0))] }
    },
    Builtin("datetime_plus", arity: 3, inputs: 2) { inputs, context in
        shift(inputs[0], by: inputs[1], sign: 1, context).map { [.string($0.text)] }
    },
    Builtin("datetime_minus", arity: 3, inputs: 2) { inputs, context in
        shift(inputs[0], by: inputs[1], sign: -1, context).map { [.string($0.text)] }
    },
    dateTimeTest("datetime_lt") { $0 < $1 },
    dateTimeTest("datetime_lteq") { $0 <= $1 },
    dateTimeTest("datetime_gt") { $0 > $1 },
    dateTimeTest("datetime_gteq") { $0 >= $1 },
    dateTimeTest("datetime_equal") { $0 == $1 },
]

private func dateTimeTest(_ name: String, _ predicate: @escaping @Sendable (DateTime, DateTime) -> Bool) -> Builtin {
    Builtin(name, arity: 2, inputs: 2) { inputs, context in
        guard let a = parseDateTime(inputs[0], context), let b = parseDateTime(inputs[1], context) else { return nil }
        return predicate(a, b) ? [] : nil
    }
}

/// Parses a string date-time; a time alone falls on today's UTC date.
private func parseDateTime(_ value: Value, _ context: BuiltinContext) -> DateTime? {
    guard case .string(let text) = value else { return nil }
    let today = DateTime(secondsSince1970: context.now) ?? DateTime(year: 1970, month: 1, day: 1)
    return DateTime.parse(text, today: today)
}

/// Writes a value as Python's `str()` does: numbers as written, strings without quotes.
func pythonText(_ value: Value) -> String {
    switch value {
    case .int(let number): return String(number)
    case .float(let number): return formatFloat(number)
    case .string(let text): return text
    }
}

/// Whole seconds from 1900-01-01 00:00:00, truncated toward zero as Python's `int()` truncates.
private func secondsSince1900(_ time: DateTime) -> Int64 {
    let seconds = time.secondsSince1970 + 2_208_988_800
    return seconds < 0 && time.microsecond > 0 ? seconds + 1 : seconds
}

/// Moves a date-time by a duration: seconds as a number, or `"[[[[w:]d:]h:]m:]s"`.
private func shift(_ value: Value, by duration: Value, sign: Double, _ context: BuiltinContext) -> DateTime? {
    guard let time = parseDateTime(value, context), let seconds = durationSeconds(duration) else { return nil }

    let microseconds = sign * seconds * 1_000_000
    guard abs(microseconds) < 1e18 else { return nil }
    let offset = Int64(microseconds + (microseconds < 0 ? -0.5 : 0.5))
    let start = time.secondsSince1970 * 1_000_000 + Int64(time.microsecond)
    let (total, overflow) = start.addingReportingOverflow(offset)
    guard !overflow else { return nil }

    let (whole, fraction) = total.quotientAndRemainder(dividingBy: 1_000_000)
    let second = fraction < 0 ? whole - 1 : whole
    let microsecond = fraction < 0 ? fraction + 1_000_000 : fraction
    return DateTime(secondsSince1970: second, microsecond: Int(microsecond))
}

/// Reads a duration in seconds: a number, or up to five `:`-separated numbers read from the
/// right as seconds, minutes, hours, days and weeks.
private func durationSeconds(_ duration: Value) -> Double? {
    switch duration {
    case .int(let seconds):
        return Double(seconds)
    case .float(let seconds):
        return seconds.isFinite ? seconds : nil
    case .string(let text):
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 5 else { return nil }
        let units: [Double] = [1, 60, 3_600, 86_400, 604_800]
        var total = 0.0
        for (part, unit) in zip(parts.reversed(), units) {
            guard let number = parseDecimalFloat(trimmingWhitespace(String(part))) else { return nil }
            total += number * unit
        }
        return total.isFinite ? total : nil
    }
}
