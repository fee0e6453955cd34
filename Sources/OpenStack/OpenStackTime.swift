import Foundation

/// The timestamps OpenStack APIs send and accept (`2024-05-01T10:00:01Z`,
/// `2015-08-27T09:49:58.000000Z`, `2017-02-14T19:24:43.891568` without a zone, read as UTC).
public enum OpenStackTime {
    public static func parse(_ text: String) -> Date? {
        parseKeystoneTime(text)
    }

    /// Formats a time as UTC with whole seconds, the form Nova's `changes-since` takes.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
