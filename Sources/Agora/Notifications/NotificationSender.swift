/// A way to deliver notifications: the JSON webhook or syslog. The notifier keeps one outbox
/// row per event and sender, so each sender retries on its own.
public protocol NotificationSender: Sendable {
    /// The sink name in the outbox (`webhook`, `syslog`).
    var sink: String { get }

    /// Delivers one notification and reports how it went; it does not throw, because every
    /// outcome is recorded in the outbox.
    func send(_ entry: OutboxEntry) async -> DeliveryOutcome
}

/// How one delivery attempt ended.
public enum DeliveryOutcome: Equatable, Sendable {
    case delivered
    /// A failure that may pass (a connection error, a timeout, a 5xx); the row is tried again later.
    case retry(String)
    /// A failure that would repeat (a 4xx); the row is marked failed with the message.
    case failed(String)
}
