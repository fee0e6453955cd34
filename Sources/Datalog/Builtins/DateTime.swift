/// A calendar date and time of day without a time zone, in the proleptic Gregorian calendar,
/// as Python's `datetime` has it (years 1 to 9999, microseconds).
struct DateTime: Comparable, Sendable {
    var year: Int
    var month: Int
    var day: Int
    var hour = 0
    var minute = 0
    var second = 0
    var microsecond = 0

    /// Seconds from 1970-01-01 00:00:00 to the start of this second.
    var secondsSince1970: Int64 {
        let days = Int64(daysSince1970(year: year, month: month, day: day))
        return days * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
    }

    /// Creates the date-time `seconds` after 1970-01-01 00:00:00; nil outside years 1 to 9999.
    init?(secondsSince1970 seconds: Int64, microsecond: Int = 0) {
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let dayNumber = secondOfDay < 0 ? days - 1 : days
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        guard abs(dayNumber) < 4_000_000 else { return nil }

        let (year, month, day) = civilDate(daysSince1970: Int(dayNumber))
        guard (1...9999).contains(year) else { return nil }
        self.init(year: year, month: month, day: day)
        self.hour = Int(second / 3_600)
        self.minute = Int(second % 3_600 / 60)
        self.second = Int(second % 60)
        self.microsecond = microsecond
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    var dateText: String {
        "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    /// `HH:MM:SS`, with `.ffffff` when there are microseconds, as Python's `time.isoformat()`.
    var timeText: String {
        let base = "\(padded(hour, 2)):\(padded(minute, 2)):\(padded(second, 2))"
        return microsecond == 0 ? base : base + "." + padded(microsecond, 6)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, as Python's `str(datetime)`.
    var text: String { dateText + " " + timeText }

    static func < (lhs: DateTime, rhs: DateTime) -> Bool {
        (lhs.secondsSince1970, lhs.microsecond) < (rhs.secondsSince1970, rhs.microsecond)
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]`, the ISO 8601 form with `T`, or a time
    /// alone (`HH:MM[:SS[.fff]]`) on the date of `today`.
    ///
    /// A trailing `Z` or UTC offset (`+02:00`, `-0530`, `+02`) is accepted and ignored, as Congress
    /// ignored time zones, so `10:00+02:00` and `10:00Z` are the same time.
    static func parse(_ text: String, today: DateTime) -> DateTime? {
        var scanner = DateScanner(Array(trimmingWhitespace(text).utf8))
        var result = today
        result.hour = 0
        result.minute = 0
        result.second = 0
        result.microsecond = 0

        let isTimeOnly = scanner.bytes.count > 2 && scanner.bytes[2] == UInt8(ascii: ":")
        if !isTimeOnly {
            guard let year = scanner.number(digits: 4), scanner.skip("-"),
                let month = scanner.number(digits: 2), scanner.skip("-"),
                let day = scanner.number(digits: 2)
            else { return nil }
            result.year = year
            result.month = month
            result.day = day
            guard scanner.skip("T") || scanner.skip(" ") else {
                return scanner.isAtEnd && result.isValid ? result : nil
            }
        }

        guard let hour = scanner.number(digits: 2), scanner.skip(":"), let minute = scanner.number(digits: 2) else {
            return nil
        }
        result.hour = hour
        result.minute = minute
        if scanner.skip(":") {
            guard let second = scanner.number(digits: 2) else { return nil }
            result.second = second
            if scanner.skip(".") || scanner.skip(",") {
                guard let microsecond = scanner.fraction() else { return nil }
                result.microsecond = microsecond
            }
        }
        guard scanner.skipZone(), scanner.isAtEnd, result.isValid else { return nil }
        return result
    }

    private var isValid: Bool {
        guard (1...9999).contains(year), (1...12).contains(month) else { return false }
        guard day >= 1 && day <= daysInMonth(year: year, month: month) else { return false }
        return (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
    }
}

private func padded(_ number: Int, _ width: Int) -> String {
    let digits = String(number)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Counts days from 1970-01-01 to a proleptic Gregorian date, by Howard Hinnant's
/// `days_from_civil` algorithm (eras of 400 years starting in March).
func daysSince1970(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// Converts a day count from 1970-01-01 back to a date, by the same algorithm's `civil_from_days`.
func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// A cursor over the bytes of a date-time string.
private struct DateScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    /// Reads exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<(index + digits)] {
            guard isASCIIDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    /// Reads a fraction of a second of one or more digits as microseconds, truncating past six.
    mutating func fraction() -> Int? {
        var value = 0
        var count = 0
        while index < bytes.count && isASCIIDigit(bytes[index]) {
            if count < 6 { value = value * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 6) { value *= 10 }
        return value
    }

    /// Skips an optional `Z`, `+HH`, `+HHMM` or `+HH:MM` (or `-`), with an optional space before it.
    mutating func skipZone() -> Bool {
        let start = index
        _ = skip(" ")
        if skip("Z") || skip("z") { return true }
        guard skip("+") || skip("-") else {
            index = start
            return true
        }
        guard let hours = number(digits: 2), hours <= 23 else { return false }
        _ = skip(":")
        if let minutes = number(digits: 2) {
            return minutes <= 59
        }
        return true
    }
}
