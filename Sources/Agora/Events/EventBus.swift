import Foundation
import OpenStack

/// Something that happened in the service, as the event stream and the notifiers carry it.
public struct AgoraEvent: Sendable, Equatable {
    /// Increases by one per event for the life of the process; clients resume from it.
    public var id: Int64
    /// `incident.opened`, `incident.updated`, `action.requested`, `action.executed`,
    /// `datasource.status`, ...
    public var kind: String
    public var at: Date
    /// The project the event concerns, for scoping; nil for events every reader may see.
    public var projectID: String?
    public var payload: JSON

    public init(id: Int64 = 0, kind: String, at: Date = Date(), projectID: String? = nil, payload: JSON) {
        self.id = id
        self.kind = kind
        self.at = at
        self.projectID = projectID
        self.payload = payload
    }

    /// The event as one JSON object: id, kind, time, project and payload.
    public var json: JSON {
        .object([
            "id": .int(id), "kind": .string(kind), "at": .string(Timestamps.text(at)),
            "project_id": projectID.map { .string($0) } ?? .null, "payload": payload,
        ])
    }
}

/// Hands each published event to every subscriber, and keeps the last events so that a client
/// that reconnects with the id it saw last gets what it missed.
///
/// Subscribers are called on the publisher's thread, outside the bus's lock; they must return
/// quickly (an event stream enqueues, a notifier writes to its outbox).
public final class EventBus: @unchecked Sendable {
    private let lock = NSLock()
    private var nextID: Int64 = 1
    private var recent: [AgoraEvent] = []
    private let capacity: Int
    private var subscribers: [Int: @Sendable (AgoraEvent) -> Void] = [:]
    private var nextSubscriber = 0

    public init(capacity: Int = 1000) { self.capacity = capacity }

    /// Numbers the event, keeps it, and hands it to every subscriber; returns it with its id.
    @discardableResult
    public func publish(_ event: AgoraEvent) -> AgoraEvent {
        lock.lock()
        var numbered = event
        numbered.id = nextID
        nextID += 1
        recent.append(numbered)
        if recent.count > capacity { recent.removeFirst(recent.count - capacity) }
        let targets = Array(subscribers.values)
        lock.unlock()
        for target in targets { target(numbered) }
        return numbered
    }

    /// Subscribes to every later event; returns a token for `unsubscribe`.
    public func subscribe(_ handler: @escaping @Sendable (AgoraEvent) -> Void) -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextSubscriber += 1
        subscribers[nextSubscriber] = handler
        return nextSubscriber
    }

    public func unsubscribe(_ token: Int) {
        lock.lock()
        subscribers[token] = nil
        lock.unlock()
    }

    /// The kept events with an id above `id`, oldest first.
    public func events(after id: Int64) -> [AgoraEvent] {
        lock.lock()
        defer { lock.unlock() }
        return recent.filter { $0.id > id }
    }
}

/// Times as the API writes them: UTC, ISO 8601 with milliseconds.
public enum Timestamps {
    public static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
