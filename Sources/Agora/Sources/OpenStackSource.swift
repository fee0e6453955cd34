import DataSources
import Datalog
import Foundation
import OpenStack

/// The `nova` and `neutronv2` data sources: Congress's tables, polled through a Keystone session.
///
/// Options: `poll_time` (seconds, default 10). Credentials come from the server's OpenStack
/// configuration (`[openstack]` in agora.conf: a clouds.yaml cloud or OS_* variables), never
/// from the data source's options, so that no secret is stored or shown.
public final class OpenStackSource: ManagedSource, @unchecked Sendable {
    public let config: DataSourceConfig
    public let tables: [String: [String]]
    private let driver: any PollingDataSource
    private var task: Task<Void, Never>?
    private let refreshSignal = RefreshSignal()
    private let box = StatusBox()
    private let logger: Logger

    public init(config: DataSourceConfig, session: Session, logger: Logger) throws(SourceError) {
        self.config = config
        self.logger = logger
        let period = Double(try config.positiveInteger("poll_time", default: 10))
        switch config.driver {
        case "nova": driver = NovaDriver(session: session, period: period)
        case "neutronv2": driver = NeutronDriver(session: session, period: period)
        default: throw .unknownDriver(config.driver)
        }
        let service = driver.service
        tables = Dictionary(uniqueKeysWithValues: driver.tables.map { (service + ":" + $0.name, $0.columns) })
    }

    public func status() -> SourceStatus { box.read() }

    public func start(deliver: @escaping @Sendable ([TableDelta]) -> Void) {
        let driver = self.driver
        let box = self.box
        let signal = refreshSignal
        let logger = self.logger
        let name = config.name
        task = Task.detached {
            while !Task.isCancelled {
                do {
                    let deltas = try await driver.poll()
                    box.update {
                        $0.initialized = true
                        $0.lastUpdated = Date()
                        $0.lastError = nil
                        if !deltas.isEmpty { $0.numberOfUpdates += 1 }
                        $0.recordsRead += deltas.reduce(0) { $0 + $1.inserted.count + $1.deleted.count }
                    }
                    if !deltas.isEmpty { deliver(deltas) }
                } catch {
                    box.update { $0.lastError = "\(error)" }
                    logger.error("poll failed", metadata: ["datasource": name, "error": "\(error)"])
                }
                await signal.wait(seconds: driver.period)
            }
        }
    }

    public func stop() { task?.cancel() }

    public func requestRefresh() { Task { await refreshSignal.fire() } }

    /// When the source last read its service successfully.
    public var lastSuccess: Date? { box.read().lastUpdated }
}

/// A sleep that a refresh request cuts short.
actor RefreshSignal {
    private var waiter: CheckedContinuation<Void, Never>?
    private var pending = false

    func wait(seconds: Double) async {
        if pending {
            pending = false
            return
        }
        await withCheckedContinuation { continuation in
            waiter = continuation
            Task {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                self.wake()
            }
        }
    }

    func fire() {
        if waiter == nil { pending = true }
        wake()
    }

    private func wake() {
        waiter?.resume()
        waiter = nil
    }
}
