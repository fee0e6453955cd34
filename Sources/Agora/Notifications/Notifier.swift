import DataSources
import Foundation

/// Turns the events worth telling into outbox rows, one per sender, and delivers them.
///
/// Rows are written on the publisher's thread, in the bus subscriber, so an event that was
/// published is stored before the publisher goes on. One task delivers due rows in order of
/// their due time; it wakes on each new row, and otherwise at least every `pollSeconds`.
/// Rows left undelivered by a stop or a crash go out after the next `start`.
public final class Notifier: @unchecked Sendable {
    public let outbox: NotificationOutbox
    public let senders: [any NotificationSender]
    public let backoff: RetryBackoff
    private let clock: @Sendable () -> Date
    let logger: Logger
    /// Maximum seconds between two reads of the outbox.
    public var pollSeconds: Double = 1
    private let lock = NSLock()
    private var subscription: (bus: EventBus, token: Int)?
    private var worker: Task<Void, Never>?
    private var wake: AsyncStream<Void>.Continuation?

    public init(
        outbox: NotificationOutbox, senders: [any NotificationSender], backoff: RetryBackoff = RetryBackoff(),
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.outbox = outbox
        self.senders = senders
        self.backoff = backoff
        self.clock = clock
        self.logger = logger
    }

    /// Subscribes to `bus` and starts delivering, the rows left from an earlier run first.
    /// `activeIncident` returns the open incident of a policy and VM, for actions not linked yet.
    public func start(bus: EventBus, activeIncident: @escaping @Sendable (String, String) -> String?) {
        do {
            try outbox.resumePending(at: clock().timeIntervalSince1970)
        } catch {
            logger.error("rescheduling the notification outbox failed", metadata: ["error": "\(error)"])
        }
        let token = bus.subscribe { [weak self] event in
            self?.record(event, activeIncident: activeIncident)
        }
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        lock.lock()
        subscription = (bus, token)
        wake = continuation
        lock.unlock()

        worker = Task { [weak self, pollSeconds] in
            let sleeper = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(pollSeconds * 1e9))
                    continuation.yield()
                }
            }
            defer { sleeper.cancel() }
            await self?.deliverDue()
            for await _ in stream {
                guard let self else { return }
                await self.deliverDue()
            }
        }
        logger.info("notifier started", metadata: ["sinks": senders.map(\.sink).joined(separator: ",")])
    }

    public func stop() {
        lock.lock()
        let subscription = self.subscription
        self.subscription = nil
        let wake = self.wake
        self.wake = nil
        lock.unlock()
        if let subscription { subscription.bus.unsubscribe(subscription.token) }
        wake?.finish()
        worker?.cancel()
        logger.info("notifier stopped")
    }

    /// Stores the event for every sender when it is worth telling, and wakes the delivery task.
    public func record(_ event: AgoraEvent, activeIncident: (String, String) -> String?) {
        guard let (key, incident) = NotificationTopics.classify(event, activeIncident: activeIncident) else { return }
        let now = clock().timeIntervalSince1970
        for sender in senders {
            do {
                let admission = try outbox.enqueue(
                    sink: sender.sink, dedupeKey: key, event: event, incidentID: incident, at: now)
                if case .folded(let id, let summary) = admission {
                    logger.info(
                        "notification folded into a summary by the per-incident rate limit",
                        metadata: [
                            "sink": sender.sink, "notification": String(id), "summary": String(summary),
                            "incident": incident ?? "",
                        ])
                }
            } catch {
                logger.error(
                    "storing a notification failed",
                    metadata: ["sink": sender.sink, "kind": event.kind, "key": key, "error": "\(error)"])
            }
        }
        lock.lock()
        let wake = self.wake
        lock.unlock()
        wake?.yield()
    }

    /// Sends every row that is due now, each with its sender, and records the outcomes. Tests
    /// call it directly on a notifier that is not started; a started one calls it from its task.
    public func deliverDue() async {
        let entries: [OutboxEntry]
        do {
            entries = try outbox.due(at: clock().timeIntervalSince1970)
        } catch {
            logger.error("reading the notification outbox failed", metadata: ["error": "\(error)"])
            return
        }
        for entry in entries {
            guard let sender = senders.first(where: { $0.sink == entry.sink }) else { continue }
            let outcome = await sender.send(entry)
            record(outcome, of: entry)
        }
    }

    private func record(_ outcome: DeliveryOutcome, of entry: OutboxEntry) {
        let now = clock().timeIntervalSince1970
        let ids = ["sink": entry.sink, "notification": String(entry.id), "kind": entry.eventKind]
        do {
            switch outcome {
            case .delivered:
                try outbox.markDelivered(entry.id, at: now)
            case .retry(let message) where entry.attempts + 1 < backoff.maxAttempts:
                let delay = backoff.delay(afterAttempt: entry.attempts + 1)
                try outbox.markRetry(entry.id, error: message, retryAt: now + delay)
                logger.warning(
                    "notification not delivered; retrying",
                    metadata: ids.merging(["error": message, "retry_in_seconds": String(format: "%.1f", delay)]) {
                        $1
                    })
            case .retry(let message):
                let final = "gave up after \(entry.attempts + 1) attempts: \(message)"
                try outbox.markFailed(entry.id, error: final)
                logger.error(
                    "notification delivery failed; no more retries", metadata: ids.merging(["error": final]) { $1 })
            case .failed(let message):
                try outbox.markFailed(entry.id, error: message)
                logger.error(
                    "notification rejected by the receiver; no retry", metadata: ids.merging(["error": message]) { $1 })
            }
        } catch {
            logger.error(
                "recording a notification's outcome failed", metadata: ids.merging(["error": "\(error)"]) { $1 })
        }
    }
}
