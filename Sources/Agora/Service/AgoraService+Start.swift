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
        let durability: SQLiteDatabase.Durability =
            configuration.text("DEFAULT", "store_sync") == "full" ? .full : .normal
        let database = try Store.open(location, durability: durability)
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
        // Inventory and evidence first, so that feeds are checked against the cloud's own networks.
        var blocklists: [BlocklistSource] = []
        for config in configs where config.enabled {
            let source = try sourceFactory.make(config)
            if let blocklist = source as? BlocklistSource {
                blocklists.append(blocklist)
            } else {
                try addSource(source)
            }
        }
        if !blocklists.isEmpty { await waitForInventory(seconds: 15) }
        for blocklist in blocklists {
            await blocklist.protect(protectedNetworks())
            let pipeline = self.pipeline!
            await blocklist.loadNow { pipeline.submit($0) }
            try addSource(blocklist)
        }
        startSampler()
        logger.info(
            "service started",
            metadata: ["policies": String(catalog.all.count), "datasources": String(sources.count)])
    }

    /// Waits until every source that publishes Nova or Neutron tables has read its service once.
    func waitForInventory(seconds: Double) async {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let inventory = sources.filter { $0.tables.keys.contains { $0.hasPrefix("neutronv2:") } }
            if inventory.allSatisfy({ $0.status().initialized }) { break }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        settle()
    }

    /// The cloud's subnets and the addresses of Neutron's own ports (routers, DHCP), which a
    /// blocklist entry must never cover: listing them would flag every VM.
    public func protectedNetworks() -> [(network: IPNetwork, name: String)] {
        engine.withRuntime { runtime in
            var networks: [(network: IPNetwork, name: String)] = []
            for row in runtime.rows(of: "neutronv2:subnets") where row.count > 5 {
                guard let cidr = row[5].string, let network = IPNetwork(cidr) else { continue }
                let name = row[2].string.flatMap { $0.isEmpty ? nil : $0 } ?? row[0].string ?? cidr
                networks.append((network, "tenant subnet \(name)"))
            }
            let owners = Dictionary(
                runtime.rows(of: "neutronv2:ports").compactMap { row -> (String, String)? in
                    guard row.count > 8, let id = row[0].string, let owner = row[8].string, owner.hasPrefix("network:")
                    else { return nil }
                    return (id, owner)
                }, uniquingKeysWith: { first, _ in first })
            for row in runtime.rows(of: "neutronv2:fixed_ips") where row.count > 1 {
                guard let port = row[0].string, let owner = owners[port], let text = row[1].string,
                    let address = IPAddress(text),
                    let network = IPNetwork(address: address, prefixLength: text.contains(":") ? 128 : 32)
                else { continue }
                networks.append((network, "\(owner) port \(text)"))
            }
            return networks
        }
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
