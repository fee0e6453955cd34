import DataSources
import Datalog
import Enforcement
import Foundation
import OpenStack
import Store

/// The running service: the engine with its policies, the data sources that feed it, the
/// incidents and actions that follow from its rows, and the event stream that reports them.
///
/// Data flows one way: sources submit deltas to the pipeline, the pipeline applies them to the
/// engine, and each engine update's derived deltas go to `handleDerived`, which opens
/// incidents and hands `execute[...]` rows to enforcement.
public final class AgoraService: @unchecked Sendable {
    public let configuration: ServiceConfiguration
    public let database: any Database
    public let engine: PolicyEngine
    public let events: EventBus
    public let incidents: IncidentTracker
    public let logger: Logger
    public let clock: @Sendable () -> Date
    public private(set) var catalog: PolicyCatalog!
    public let library: LibraryCatalog
    public let sourceFactory: SourceFactory
    let sourcePersistence: (any DataSourcePersistence)?
    let rates = RateHistory()
    /// Counters for `/metrics`; set by the server.
    public var metrics: Metrics?
    /// Enforcement, when the service acts on `execute[...]` rows.
    public private(set) var enforcement: EnforcementBridge?
    public private(set) var pipeline: IngestPipeline!
    private let lock = NSLock()
    private var sourcesByName: [String: any ManagedSource] = [:]
    /// Called with each engine update's derived deltas after incidents have seen them.
    private var derivedHandlers: [@Sendable ([TableDelta]) -> Void] = []

    public init(
        configuration: ServiceConfiguration, database: any Database, persistence: any PolicyPersistence,
        libraryPersistence: (any LibraryPersistence)? = nil, sourcePersistence: (any DataSourcePersistence)? = nil,
        sourceFactory: SourceFactory,
        logger: Logger = Logger(label: "agora"), clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.configuration = configuration
        self.database = database
        self.logger = logger
        self.clock = clock
        engine = PolicyEngine(now: { Int64(clock().timeIntervalSince1970) })
        events = EventBus()
        self.sourceFactory = sourceFactory
        self.sourcePersistence = sourcePersistence
        library = LibraryCatalog(persistence: libraryPersistence)
        try Migrator.apply(IncidentStore.migrations, to: database)
        incidents = IncidentTracker(
            store: IncidentStore(database: database), engine: engine, events: events, clock: clock)
        catalog = PolicyCatalog(engine: engine, persistence: persistence) { [weak self] deltas in
            self?.handleDerived(deltas)
        }
        pipeline = IngestPipeline(engine: engine, logger: logger) { [weak self] deltas in
            self?.handleDerived(deltas)
        }
    }

    /// Adds a consumer of derived deltas (enforcement, metrics).
    public func onDerived(_ handler: @escaping @Sendable ([TableDelta]) -> Void) {
        lock.lock()
        derivedHandlers.append(handler)
        lock.unlock()
    }

    func handleDerived(_ deltas: [TableDelta]) {
        guard !deltas.isEmpty else { return }
        do {
            try incidents.observe(deltas)
        } catch {
            logger.error("cannot record incidents", metadata: ["error": "\(error)"])
        }
        lock.lock()
        let handlers = derivedHandlers
        lock.unlock()
        for handler in handlers { handler(deltas) }
    }

    // MARK: Data sources

    /// Declares a source's tables in the engine and starts it; its deltas go through the pipeline.
    public func addSource(_ source: any ManagedSource) throws {
        var byService: [String: [String: [String]]] = [:]
        for (table, columns) in source.tables {
            guard let colon = table.firstIndex(of: ":") else { continue }
            byService[String(table[..<colon]), default: [:]][String(table[table.index(after: colon)...])] = columns
        }
        for (service, tables) in byService { try engine.declareDataSource(service: service, tables: tables) }
        lock.lock()
        sourcesByName[source.config.name] = source
        lock.unlock()
        if let ids = source as? IDSSource {
            ids.durabilityBarrier = { [weak self] in self?.waitUntilDurable() }
        }
        let pipeline = self.pipeline!
        source.start { deltas in pipeline.submit(deltas) }
        logger.info(
            "data source started", metadata: ["datasource": source.config.name, "driver": source.config.driver])
    }

    /// Stops a source and deletes its rows from the engine, except in tables that another
    /// source still publishes.
    public func removeSource(named name: String) {
        lock.lock()
        let source = sourcesByName.removeValue(forKey: name)
        let remaining = Set(sourcesByName.values.flatMap { $0.tables.keys })
        lock.unlock()
        guard let source else { return }
        source.stop()
        let orphaned = source.tables.keys.filter { !remaining.contains($0) }
        let deletions = engine.withRuntime { runtime in
            orphaned.map { TableDelta(table: $0, deleted: runtime.rows(of: $0)) }
        }
        pipeline.submit(deletions.filter { !$0.isEmpty })
        settle()
    }

    public var sources: [any ManagedSource] {
        lock.lock()
        defer { lock.unlock() }
        return sourcesByName.values.sorted { $0.config.name < $1.config.name }
    }

    public func source(_ idOrName: String) -> (any ManagedSource)? {
        lock.lock()
        defer { lock.unlock() }
        return sourcesByName[idOrName] ?? sourcesByName.values.first { $0.config.id == idOrName }
    }

    /// Waits until every delta submitted so far has been applied and handled.
    public func settle() { pipeline.flush() }

    /// Connects an enforcer: from now on `execute[...]` rows become actions.
    public func attach(enforcer: Enforcer) {
        let bridge = EnforcementBridge(enforcer: enforcer, service: self)
        lock.lock()
        enforcement = bridge
        lock.unlock()
        onDerived { deltas in bridge.submit(deltas) }
    }

    /// Blocks the calling thread until every delta submitted so far is applied, its incidents are
    /// saved and its actions are in the ledger. In enforce mode that includes the backend calls,
    /// because the enforcer records and carries out a round in one step. Call it from a source's
    /// own thread, never from a task, because it waits on a semaphore.
    func waitUntilDurable() {
        settle()
        guard let enforcement else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            await enforcement.settle()
            done.signal()
        }
        done.wait()
    }

    /// Waits until data, incidents and actions have caught up with everything submitted.
    public func settleAll() async {
        settle()
        await enforcement?.settle()
    }

    public func stop() {
        enforcement?.stop()
        for source in sources { source.stop() }
        pipeline.stop()
    }
}
