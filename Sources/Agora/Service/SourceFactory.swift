import DataSources
import Datalog
import Foundation
import OpenStack
import Store

/// Builds data sources from their configurations: checks the driver and its options, and
/// gives each the shared pieces it needs (the OpenStack session, the offset store).
public struct SourceFactory: @unchecked Sendable {
    /// Drivers with the `service:table` tables they publish and a line about each.
    public static let drivers: [(id: String, description: String, tables: [TableSchema], service: String)] = [
        ("ids", "IDS evidence: Suricata EVE, Snort and Zeek logs, followed as they grow", IDSTables.all, "ids"),
        (
            "blocklist", "Blocklist feeds of bad addresses and networks",
            [BlocklistTables.networks, BlocklistTables.ipBlacklist], "blocklist"
        ),
        ("nova", "OpenStack Compute (Nova), polled", NovaTables.schemas, "nova"),
        ("neutronv2", "OpenStack Networking (Neutron), polled", NeutronTables.schemas, "neutronv2"),
        ("push", "Tables that an outside system replaces through PUT .../rows", [], ""),
        ("simulated", "A simulated cloud's Nova and Neutron tables, for demos and tests", [], ""),
    ]

    /// The tables of the built-in drivers by service, declared at start so that policies may
    /// name their columns before any data source exists.
    public static var builtInSchemas: [String: [String: [String]]] {
        var schemas: [String: [String: [String]]] = [:]
        for schema in IDSTables.all + [BlocklistTables.ipBlacklist] {
            schemas["ids", default: [:]][schema.name] = schema.columns
        }
        schemas["blocklist"] = [BlocklistTables.networks.name: BlocklistTables.networks.columns]
        for schema in NovaTables.schemas { schemas["nova", default: [:]][schema.name] = schema.columns }
        for schema in NeutronTables.schemas { schemas["neutronv2", default: [:]][schema.name] = schema.columns }
        return schemas
    }

    public let session: Session?
    public let database: (any Database)?
    public let offsets: any OffsetStore
    public let logger: Logger
    public let simulated: (@Sendable (DataSourceConfig) throws -> any ManagedSource)?

    public init(
        session: Session?, database: (any Database)? = nil, offsets: any OffsetStore, logger: Logger,
        simulated: (@Sendable (DataSourceConfig) throws -> any ManagedSource)? = nil
    ) {
        self.session = session
        self.database = database
        self.offsets = offsets
        self.logger = logger
        self.simulated = simulated
    }

    /// Checks a configuration the way Congress checked a new data source.
    public static func validate(_ config: DataSourceConfig) throws(SourceError) {
        guard let known = ConfigOption.driverOptions[config.driver] else { throw .unknownDriver(config.driver) }
        let names = Set(known.map(\.name))
        let unknown = config.options.keys.filter { !names.contains($0) }.sorted()
        for key in config.options.keys where ["password", "secret", "token", "api_key"].contains(key.lowercased()) {
            throw .secretInConfig(source: config.name, option: key)
        }
        if !unknown.isEmpty { throw .unknownOptions(source: config.name, options: unknown) }
        for option in known where option.required && (config.options[option.name] ?? "").isEmpty {
            throw .missingOption(source: config.name, option: option.name)
        }
    }

    public func make(_ config: DataSourceConfig) throws -> any ManagedSource {
        try Self.validate(config)
        var sourceLogger = logger
        sourceLogger.metadata["datasource"] = config.name
        switch config.driver {
        case "ids": return try IDSSource(config: config, offsets: offsets, logger: sourceLogger)
        case "blocklist": return try BlocklistSource(config: config, logger: sourceLogger)
        case "push": return try PushSource(config: config, records: database.map { PushedTableRecords(database: $0) })
        case "nova", "neutronv2":
            guard let session else {
                throw SourceError.invalidOption(
                    source: config.name, option: "driver", value: config.driver,
                    expected:
                        "an [openstack] section in agora.conf or OS_* variables, so that Agora can reach the cloud"
                )
            }
            return try OpenStackSource(config: config, session: session, logger: sourceLogger)
        case "simulated":
            guard let simulated else { throw SourceError.unknownDriver(config.driver) }
            return try simulated(config)
        default: throw SourceError.unknownDriver(config.driver)
        }
    }
}
