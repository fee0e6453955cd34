extension Timestamp {
    /// Parses ISO 8601 date-time text as Suricata and Zeek write it: `2024-05-01T10:00:00.000001+0000`,
    /// `+01:00`, `Z` or no offset (read as UTC), and 0 to 9 fraction digits (beyond 6 are truncated).
    public static func parseISO8601(_ text: some StringProtocol) -> Timestamp? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip("T") || scanner.skip(" "),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        let microsecond = scanner.skip(".") ? scanner.fractionMicroseconds() : 0
        guard let microsecond else { return nil }

        var offsetSeconds: Int64 = 0
        if scanner.skip("Z") || scanner.atEnd {
            offsetSeconds = 0
        } else {
            let sign: Int64
            if scanner.skip("+") {
                sign = 1
            } else if scanner.skip("-") {
                sign = -1
            } else {
                return nil
            }
            guard let offsetHours = scanner.number(digits: 2) else { return nil }
            _ = scanner.skip(":")
            guard let offsetMinutes = scanner.number(digits: 2), offsetHours < 24, offsetMinutes < 60 else {
                return nil
            }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard scanner.atEnd,
            let local = utc(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                microsecond: microsecond)
        else { return nil }
        return Timestamp(microseconds: local.microseconds - offsetSeconds * 1_000_000)
    }

    /// Parses epoch seconds with an optional fraction, as Zeek's TSV `time` columns hold them.
    public static func parseEpochSeconds(_ text: some StringProtocol) -> Timestamp? {
        var scanner = DigitScanner(Array(text.utf8))
        let negative = scanner.skip("-")
        guard let seconds = scanner.number(maximumDigits: 12) else { return nil }
        let microsecond = scanner.skip(".") ? scanner.fractionMicroseconds() : 0
        guard let microsecond, scanner.atEnd else { return nil }
        let value = seconds * 1_000_000 + microsecond
        return Timestamp(microseconds: negative ? -value : value)
    }
}

/// A cursor over ASCII bytes that reads fixed-width decimal fields.
struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
        index += 1
        return true
    }

    /// Reads exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for offset in 0..<digits {
            let byte = bytes[index + offset]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        index += digits
        return value
    }

    /// Reads 1 to `maximumDigits` decimal digits.
    mutating func number(maximumDigits: Int) -> Int64? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, count < maximumDigits {
            value = value * 10 + Int64(bytes[index] - 0x30)
            index += 1
            count += 1
        }
        return count == 0 ? nil : value
    }

    /// Reads 1 to 9 fraction digits as microseconds, truncating beyond the sixth.
    mutating func fractionMicroseconds() -> Int64? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            guard count < 9 else { return nil }
            if count < 6 { value = value * 10 + Int64(bytes[index] - 0x30) }
            index += 1
            count += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 6) { value *= 10 }
        return value
    }
}
