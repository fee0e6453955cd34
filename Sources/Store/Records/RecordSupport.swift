import Foundation

/// The source of the current time for the repositories, injectable so that tests are exact.
public typealias StoreClock = @Sendable () -> Date

/// Timestamps are stored as UTC ISO 8601 text with milliseconds (`2024-05-01T12:00:00.000Z`),
/// the same in both dialects. The fixed width makes text order equal time order.
enum Timestamp {
    static func text(_ date: Date) -> String {
        formatter().string(from: date)
    }

    /// Wraps `clock` to drop the precision that the stored text cannot keep, so that a record
    /// returned by a write equals the same record read back.
    static func millisecondClock(_ clock: @escaping StoreClock) -> StoreClock {
        {
            let now = clock()
            return formatter().date(from: text(now)) ?? now
        }
    }

    static func date(_ row: SQLRow, _ column: String) throws(StoreError) -> Date {
        let text = try row.string(column)
        guard let date = formatter().date(from: text) else {
            throw .columnType(column: column, expected: "ISO 8601 timestamp", found: .text(text))
        }
        return date
    }

    static func optionalDate(_ row: SQLRow, _ column: String) throws(StoreError) -> Date? {
        row[column].isNull ? nil : try date(row, column)
    }

    /// Makes a new formatter each call because `ISO8601DateFormatter` is not `Sendable`.
    private static func formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}

enum RecordID {
    /// Makes a random identifier in the lowercase UUID form that Congress uses.
    static func make() -> String { UUID().uuidString.lowercased() }
}

/// JSON text for the audit log's detail column, with sorted keys so equal details compare equal.
enum DetailJSON {
    static func encode(_ fields: [String: Any]) -> String {
        guard JSONSerialization.isValidJSONObject(fields),
            let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
