import DataSources
import Datalog
import Enforcement
import Foundation
import OpenStack

/// The `simulated` data source: a simulated cloud's servers, ports, networks, subnets and
/// security groups, published as the `nova` and `neutronv2` tables through the same
/// translators as a real cloud, and republished (as deltas) whenever the cloud changes.
public final class SimulatedSource: ManagedSource, @unchecked Sendable {
    public let config: DataSourceConfig
    public let cloud: SimulatedCloud
    public let tables: [String: [String]]
    private let lock = NSLock()
    private var current: [String: Set<Row>] = [:]
    private var deliver: (@Sendable ([TableDelta]) -> Void)?
    private let box = StatusBox()

    public init(config: DataSourceConfig, cloud: SimulatedCloud) {
        self.config = config
        self.cloud = cloud
        var tables: [String: [String]] = [:]
        for schema in NovaTables.schemas { tables["nova:" + schema.name] = schema.columns }
        for schema in NeutronTables.schemas { tables["neutronv2:" + schema.name] = schema.columns }
        self.tables = tables
    }

    /// The cloud is in memory, so the tables are always as current as the cloud itself.
    public func status() -> SourceStatus {
        var status = box.read()
        if status.initialized { status.lastUpdated = Date() }
        return status
    }

    public func start(deliver: @escaping @Sendable ([TableDelta]) -> Void) {
        lock.lock()
        self.deliver = deliver
        lock.unlock()
        cloud.setOnChange { [weak self] _ in self?.publish() }
        publish()
    }

    public func stop() { cloud.setOnChange(nil) }

    public func requestRefresh() { publish() }

    /// Translates the whole cloud and delivers what changed since the last time.
    public func publish() {
        var rows: [String: Set<Row>] = [:]
        let add = { (service: String, translator: ResourceTranslator, objects: [JSON]) in
            for table in translator.tables { rows[service + ":" + table.schema.name, default: []] = [] }
            for object in objects {
                for (table, tableRows) in translator.translate(object) {
                    rows[service + ":" + table, default: []].formUnion(tableRows)
                }
            }
        }
        add("nova", NovaTables.servers, cloud.servers())
        add("neutronv2", NeutronTables.ports, cloud.ports())
        add("neutronv2", NeutronTables.networks, cloud.networks())
        add("neutronv2", NeutronTables.subnets, cloud.subnets())
        add("neutronv2", NeutronTables.securityGroups, cloud.securityGroups())

        lock.lock()
        var deltas: [TableDelta] = []
        for (table, new) in rows.sorted(by: { $0.key < $1.key }) {
            let old = current[table] ?? []
            let delta = TableDelta(
                table: table, inserted: Array(new.subtracting(old)), deleted: Array(old.subtracting(new)))
            if !delta.isEmpty { deltas.append(delta) }
            current[table] = new
        }
        let deliver = self.deliver
        lock.unlock()
        box.update {
            $0.initialized = true
            $0.lastUpdated = Date()
            if !deltas.isEmpty { $0.numberOfUpdates += 1 }
            $0.recordsRead += deltas.reduce(0) { $0 + $1.inserted.count + $1.deleted.count }
        }
        if !deltas.isEmpty { deliver?(deltas) }
    }
}
