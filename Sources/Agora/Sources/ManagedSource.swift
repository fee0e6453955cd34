import DataSources
import Datalog
import Foundation
import OpenStack

/// A data source as the operator configures it through the API: Congress's fields plus the
/// driver's options as text.
public struct DataSourceConfig: Sendable, Equatable {
    public var id: String
    public var name: String
    public var driver: String
    public var description: String
    public var enabled: Bool
    public var options: [String: String]

    public init(
        id: String = UUID().uuidString.lowercased(), name: String, driver: String, description: String = "",
        enabled: Bool = true, options: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.driver = driver
        self.description = description
        self.enabled = enabled
        self.options = options
    }
}

extension DataSourceConfig {
    /// Reads option `option` as a positive whole number, or `value` when the option is absent.
    func positiveInteger(_ option: String, default value: Int64) throws(SourceError) -> Int64 {
        guard let text = options[option] else { return value }
        guard let number = Int64(text), number > 0 else {
            throw .invalidOption(source: name, option: option, value: text, expected: "a positive integer")
        }
        return number
    }
}

/// What a running data source reports: Congress's status fields and Agora's ingest counters.
public struct SourceStatus: Sendable, Equatable {
    public var lastUpdated: Date?
    public var lastError: String?
    public var numberOfUpdates = 0
    public var initialized = false
    /// Input lines or records read, and those rejected as malformed.
    public var recordsRead = 0
    public var recordsRejected = 0

    public init() {}
}

/// A running data source: it publishes rows of `service:table` tables through `deliver`.
public protocol ManagedSource: AnyObject, Sendable {
    var config: DataSourceConfig { get }
    /// The tables it publishes, by `service:table` name, with their columns.
    var tables: [String: [String]] { get }
    func status() -> SourceStatus
    /// Starts reading; each batch of changes goes to `deliver`, in order.
    func start(deliver: @escaping @Sendable ([TableDelta]) -> Void)
    func stop()
    /// Asks a polling source to read its service now.
    func requestRefresh()
}

extension ManagedSource {
    public func requestRefresh() {}
}

/// Counts and timestamps behind a lock, for sources that update their status from several threads.
final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = SourceStatus()

    func read() -> SourceStatus {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func update(_ change: (inout SourceStatus) -> Void) {
        lock.lock()
        change(&value)
        lock.unlock()
    }
}
