import Datalog
import Foundation
import OpenStack

/// The `nova` data source: Congress's Nova tables, kept current by polling.
///
/// Servers are listed in full on the first poll and every `fullListInterval` polls after it.
/// The polls between request only servers changed since the newest `updated` time seen, less
/// `overlap` seconds. Nova then also returns servers deleted since that time, with status `DELETED`.
/// Flavors, hypervisors, services and zones are few, so each poll lists them whole.
public actor NovaDriver: PollingDataSource {
    public nonisolated let service = NovaTables.service
    public nonisolated let tables = NovaTables.schemas
    public nonisolated let period: Double

    private let client: NovaClient
    private let clock: OpenStackClock
    private var index = ObjectRowIndex()
    private var state = DataSourceStatus()
    private var newestUpdate: Date?
    private var pollsSinceFullList = 0
    public var fullListInterval = 10
    /// Seconds subtracted from the newest `updated` time, for changes committed out of order.
    public var overlap = 60.0
    /// Servers that the last poll fetched, a measure of its cost.
    public private(set) var lastFetchedCount = 0

    /// Whether to list the servers of every project (`all_tenants=1`), which needs an admin token.
    public nonisolated let allTenants: Bool

    public init(session: Session, period: Double = 10, microversion: String? = nil, allTenants: Bool = true) {
        client = NovaClient(session: session, microversion: microversion)
        self.allTenants = allTenants
        clock = session.clock
        self.period = period
    }

    public func status() -> DataSourceStatus { state }

    public func rows(of table: String) -> Set<Row> { index.rows(of: table) }

    public func poll() async throws -> [TableDelta] {
        let start = clock.now()
        do {
            try await pollServers()
            try await replaceAll("flavors", NovaTables.flavors, try await client.flavors())
            try await replaceIfPermitted("hypervisors", NovaTables.hypervisors) { try await $0.hypervisors() }
            try await replaceIfPermitted("services", NovaTables.services) { try await $0.services() }
            try await replaceAll(
                "availability_zones", NovaTables.availabilityZones, try await client.availabilityZones(),
                idKey: "zoneName")
        } catch {
            state.lastError = "\(error)"
            throw error
        }

        let deltas = index.takeDeltas(service: service)
        state.recordSuccess(start: start, end: clock.now(), changes: deltas.count)
        return deltas
    }

    private func pollServers() async throws {
        if let newestUpdate, pollsSinceFullList < fullListInterval {
            let since = newestUpdate - overlap
            let changed = try await client.servers(allTenants: allTenants, changesSince: OpenStackTime.format(since))
            lastFetchedCount = changed.count
            for server in changed {
                guard let id = server["id"]?.stringValue else { continue }
                let deleted = server["status"]?.stringValue == "DELETED"
                index.replace("servers/\(id)", with: deleted ? nil : NovaTables.servers.translate(server))
            }
            noteUpdates(changed)
            pollsSinceFullList += 1
            return
        }

        let servers = try await client.servers(allTenants: allTenants)
        lastFetchedCount = servers.count
        try await replaceAll("servers", NovaTables.servers, servers)
        noteUpdates(servers)
        pollsSinceFullList = 0
    }

    private func noteUpdates(_ servers: [JSON]) {
        for server in servers {
            guard let text = server["updated"]?.stringValue, let date = OpenStackTime.parse(text) else { continue }
            if newestUpdate == nil || date > newestUpdate! { newestUpdate = date }
        }
    }

    /// Tables that Nova's policy forbade in the last poll: `hypervisors` and `services` need an
    /// admin token, and without one they stay empty while the other tables are kept current.
    public private(set) var forbiddenTables: Set<String> = []

    private func replaceIfPermitted(
        _ kind: String, _ translator: ResourceTranslator, list: (NovaClient) async throws -> [JSON]
    ) async throws {
        do {
            let objects = try await list(client)
            forbiddenTables.remove(kind)
            try await replaceAll(kind, translator, objects)
        } catch OpenStackError.http(let failure) where failure.status == 403 {
            forbiddenTables.insert(kind)
            try await replaceAll(kind, translator, [])
        }
    }

    /// Replaces every object of one kind with `objects`, removing those no longer listed.
    private func replaceAll(_ kind: String, _ translator: ResourceTranslator, _ objects: [JSON], idKey: String = "id")
        async throws
    {
        var seen: Set<String> = []
        for object in objects {
            guard let id = object[idKey].map({ $0.stringValue ?? $0.text }) else { continue }
            let key = "\(kind)/\(id)"
            seen.insert(key)
            index.replace(key, with: translator.translate(object))
        }
        for key in index.keys(ofKind: kind) where !seen.contains(key) {
            index.replace(key, with: nil)
        }
    }
}
