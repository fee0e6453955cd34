import Datalog
import Foundation
import OpenStack

/// The state of one data source as Congress's status endpoint reports it.
public struct DataSourceStatus: Sendable, Equatable {
    /// When the last successful poll finished.
    public var lastUpdated: Date?
    /// The error of the last poll, or nil when it succeeded.
    public var lastError: String?
    /// How many polls produced at least one delta.
    public var numberOfUpdates = 0
    /// True once a poll has succeeded, so the tables hold the service's data.
    public var initialized = false
    public var lastPollDuration: Double?

    /// Records a successful poll that started at `start`, ended at `end` and found `changes` deltas.
    mutating func recordSuccess(start: Date, end: Date, changes: Int) {
        lastError = nil
        lastUpdated = end
        lastPollDuration = end.timeIntervalSince(start)
        initialized = true
        if changes > 0 { numberOfUpdates += 1 }
    }

    public init() {}
}

/// A driver that reads its service on a timer and reports only what changed.
public protocol PollingDataSource: DataSourceDriver, Sendable {
    /// Seconds between the end of one poll and the start of the next.
    var period: Double { get }
    /// Reads the service once and returns the deltas against the previous poll. The first
    /// poll returns every row as inserted.
    func poll() async throws -> [TableDelta]
    func status() async -> DataSourceStatus
}

/// Polls `source` every `source.period` seconds until the task is cancelled, handing each
/// non-empty batch of deltas to `deliver`. A failed poll is logged and kept in the source's
/// status, and the next poll runs on schedule.
public func runPolling(
    _ source: some PollingDataSource, clock: OpenStackClock = SystemOpenStackClock(), logger: OpenStackLogger? = nil,
    deliver: @Sendable ([TableDelta]) async -> Void
) async {
    logger?(.info, "data source \(source.service): polling every \(source.period) s")
    while !Task.isCancelled {
        do {
            let deltas = try await source.poll()
            if !deltas.isEmpty { await deliver(deltas) }
        } catch {
            logger?(.error, "data source \(source.service): poll failed: \(error)")
        }
        do {
            try await clock.sleep(seconds: source.period)
        } catch {
            break
        }
    }
    logger?(.info, "data source \(source.service): polling stopped")
}
