import DataSources
import Datalog
import Foundation
import OpenStack
import Store

extension AgoraService {
    /// Opens the store named by the configuration (applying migrations), and builds the
    /// service on it with the given OpenStack session (nil when no cloud is configured).
    public static func open(
        configuration: ServiceConfiguration, session: Session?, logger: Logger = Logger(label: "agora"),
        clock: @escaping @Sendable () -> Date = { Date() },
        simulated: (@Sendable (DataSourceConfig) throws -> any ManagedSource)? = nil
    ) throws -> AgoraService {
        let location = configuration.database
        if !location.hasPrefix("postgres") {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        }
        let database = try Store.open(location)
        let persistence = StorePersistence(database: database)
        let offsets = try FileOffsetStore(
            url: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("ingest-offsets.json"))
        let factory = SourceFactory(
            session: session, database: database, offsets: offsets, logger: logger, simulated: simulated)
        return try AgoraService(
            configuration: configuration, database: database, persistence: persistence,
            libraryPersistence: persistence, sourcePersistence: persistence, sourceFactory: factory, logger: logger,
            clock: clock)
    }

    /// Loads the library, the policies with their rules, and the data sources (those in the
    /// store, then those in the configuration file that the store lacks), and starts them.
    /// After this the engine holds what it held before the last stop, once the sources have
    /// read their inputs again.
    public func start() async throws {
        try library.load()
        for (service, tables) in SourceFactory.builtInSchemas {
            try engine.declareDataSource(service: service, tables: tables)
        }
        try catalog.load()
        var configs = try sourcePersistence?.loadDataSources() ?? []
        for var config in configuration.dataSources where !configs.contains(where: { $0.name == config.name }) {
            // The store does not keep data sources of the configuration file, so their id comes
            // from their name. A random one would change on every start.
            config.id = Self.configuredSourceID(name: config.name)
            configs.append(config)
        }
        for config in configs where config.enabled {
            let source = try sourceFactory.make(config)
            if let blocklist = source as? BlocklistSource {
                let pipeline = self.pipeline!
                await blocklist.loadNow { pipeline.submit($0) }
            }
            try addSource(source)
        }
        startSampler()
        logger.info(
            "service started",
            metadata: ["policies": String(catalog.all.count), "datasources": String(sources.count)])
    }

    /// Makes the id of a data source that the configuration file defines: a version 8 UUID
    /// (RFC 9562) from the first 128 bits of the SHA-256 of its name, with the version and
    /// variant bits set.
    static func configuredSourceID(name: String) -> String {
        var digits = Array(SHA256.hexDigest("agora data source " + name).prefix(32))
        digits[12] = "8"
        let variant = Int(String(digits[16]), radix: 16)! & 0x3 | 0x8
        digits[16] = Character(String(variant, radix: 16))
        let text = String(digits)
        let cuts = [8, 12, 16, 20]
        var parts: [Substring] = []
        var start = text.startIndex
        for cut in cuts {
            let end = text.index(text.startIndex, offsetBy: cut)
            parts.append(text[start..<end])
            start = end
        }
        parts.append(text[start...])
        return parts.joined(separator: "-")
    }

    private func startSampler() {
        let thread = Thread { [weak self] in
            while let service = self, !Thread.current.isCancelled {
                service.sampleRates()
                Thread.sleep(forTimeInterval: 10)
            }
        }
        thread.name = "agora-rates"
        thread.start()
    }
}
