import DataSources
import Datalog
import Foundation

/// Where data-source configurations are kept across restarts.
public protocol DataSourcePersistence: Sendable {
    func loadDataSources() throws -> [DataSourceConfig]
    func saveDataSource(_ config: DataSourceConfig, by actor: Actor) throws
    func deleteDataSource(_ config: DataSourceConfig, by actor: Actor) throws
}

/// Why a data-source request was refused.
public enum SourceRequestError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case duplicate(String)
    case notFound(String)
    case configuration(SourceError)
    case storage(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            return "Invalid data source name '\(name)': use a letter first, then letters, digits, '_' or '.'; "
                + "names starting with '_' are reserved"
        case .duplicate(let name): return "A data source named \(name) already exists"
        case .notFound(let name): return "No data source found with name or id \(name)"
        case .configuration(let error): return error.description
        case .storage(let message): return "The store refused the change: \(message)"
        }
    }
}

/// Per-minute counts of records read by each source over the last hour, for the dashboard.
final class RateHistory: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [String: [(at: Date, total: Int)]] = [:]

    func record(_ name: String, total: Int, at: Date) {
        lock.lock()
        var list = samples[name] ?? []
        list.append((at, total))
        list.removeAll { at.timeIntervalSince($0.at) > 3660 }
        samples[name] = list
        lock.unlock()
    }

    /// Records read in each minute of the last hour, oldest first.
    func perMinute(_ name: String, now: Date) -> [(at: Date, records: Int)] {
        lock.lock()
        let list = samples[name] ?? []
        lock.unlock()
        var points: [(at: Date, records: Int)] = []
        var previous: (at: Date, total: Int)?
        for sample in list {
            if let last = previous, sample.at.timeIntervalSince(last.at) >= 59 {
                points.append((sample.at, max(0, sample.total - last.total)))
                previous = sample
            } else if previous == nil {
                previous = sample
            }
        }
        return points
    }

    /// Records per second over the last two samples.
    func rate(_ name: String) -> Double {
        lock.lock()
        defer { lock.unlock() }
        guard let list = samples[name], list.count >= 2 else { return 0 }
        let a = list[list.count - 2]
        let b = list[list.count - 1]
        let seconds = b.at.timeIntervalSince(a.at)
        return seconds > 0 ? Double(b.total - a.total) / seconds : 0
    }
}

extension AgoraService {
    /// Creates, starts and stores a data source.
    @discardableResult
    public func createSource(_ config: DataSourceConfig, by actor: Actor) throws(SourceRequestError)
        -> any ManagedSource
    {
        do {
            try PolicyCatalog.validate(name: config.name)
        } catch {
            throw .invalidName(config.name)
        }
        if source(config.name) != nil { throw .duplicate(config.name) }
        let made: any ManagedSource
        do {
            made = try sourceFactory.make(config)
        } catch let error as SourceError {
            throw .configuration(error)
        } catch {
            throw .storage("\(error)")
        }
        do {
            try sourcePersistence?.saveDataSource(config, by: actor)
            try addSource(made)
        } catch {
            throw .storage("\(error)")
        }
        return made
    }

    @discardableResult
    public func deleteSource(_ idOrName: String, by actor: Actor) throws(SourceRequestError) -> DataSourceConfig {
        guard let found = source(idOrName) else { throw .notFound(idOrName) }
        do {
            try sourcePersistence?.deleteDataSource(found.config, by: actor)
            if let push = found as? PushSource { try push.forget() }
        } catch {
            throw .storage("\(error)")
        }
        removeSource(named: found.config.name)
        return found.config
    }

    /// Samples every source's counters; the service calls this every ten seconds.
    func sampleRates() {
        let now = clock()
        for source in sources { rates.record(source.config.name, total: source.status().recordsRead, at: now) }
    }

    public func ratePoints(_ name: String) -> [(at: Date, records: Int)] { rates.perMinute(name, now: clock()) }

    public func rate(_ name: String) -> Double { rates.rate(name) }
}
