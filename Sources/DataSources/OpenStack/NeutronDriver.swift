import Datalog
import Foundation
import OpenStack

/// The `neutronv2` data source: Congress's Neutron tables plus `port_details` and
/// `allowed_address_pairs`, kept current by polling.
///
/// A poll first lists only `id` and `revision_number` of each collection. It then fetches in
/// full only the objects that are new or whose revision changed. A poll of an unchanged cloud
/// therefore transfers two short fields per object and translates nothing. Without revision numbers
/// (a deployment lacking the standard-attr-revisions extension) every poll fetches everything.
public actor NeutronDriver: PollingDataSource {
    public nonisolated let service = NeutronTables.service
    public nonisolated let tables = NeutronTables.schemas
    public nonisolated let period: Double

    private let client: NeutronClient
    private let clock: OpenStackClock
    private var index = ObjectRowIndex()
    private var revisions: [String: [String: Int64]] = [:]
    private var state = DataSourceStatus()
    /// Objects that the last poll fetched in full, a measure of its cost.
    public private(set) var lastFetchedCount = 0
    /// The most changed objects fetched by id; more than this and the whole collection is listed.
    public var maxFetchByID = 200

    public init(session: Session, period: Double = 10) {
        client = NeutronClient(session: session)
        clock = session.clock
        self.period = period
    }

    public func status() -> DataSourceStatus { state }

    /// Returns the rows present in a table now (`ports`, `fixed_ips`, ...).
    public func rows(of table: String) -> Set<Row> { index.rows(of: table) }

    public func poll() async throws -> [TableDelta] {
        let start = clock.now()
        lastFetchedCount = 0
        do {
            for (collection, translator) in NeutronTables.polled {
                try await pollCollection(collection, translator)
            }
        } catch {
            state.lastError = "\(error)"
            throw error
        }

        let deltas = index.takeDeltas(service: service)
        state.recordSuccess(start: start, end: clock.now(), changes: deltas.count)
        return deltas
    }

    /// Collections for which Neutron returned 404 in the last poll, because the plugin that
    /// serves them is not loaded (`routers` and `floatingips` need the L3 router plugin).
    public private(set) var missingCollections: Set<String> = []

    private func pollCollection(_ collection: String, _ translator: ResourceTranslator) async throws {
        let summary: [RevisionEntry]
        do {
            summary = try await client.listRevisions(collection)
            missingCollections.remove(collection)
        } catch OpenStackError.http(let failure) where failure.status == 404 {
            missingCollections.insert(collection)
            for key in index.keys(ofKind: collection) { index.replace(key, with: nil) }
            revisions[collection] = nil
            return
        }
        let known = revisions[collection] ?? [:]
        let (listedIDs, changed, complete) = NeutronDriver.compareRevisions(summary, known: known)
        let fetched: [JSON]
        if !complete || changed.count > maxFetchByID {
            fetched = try await client.list(collection)
        } else if changed.isEmpty {
            fetched = []
        } else {
            fetched = try await fetchByID(collection, ids: changed.sorted())
        }
        lastFetchedCount += fetched.count

        var seen: Set<String> = []
        var updatedRevisions = known
        for object in fetched {
            guard let id = object["id"]?.stringValue else { continue }
            seen.insert(id)
            index.replace("\(collection)/\(id)", with: translator.translate(object))
            updatedRevisions[id] = object["revision_number"]?.intValue
        }

        // Gone: objects missing from the listing, and changed objects deleted before their fetch.
        let changedSet = Set(changed)
        let nothingGone = complete && listedIDs == nil && changed.isEmpty
        for id in known.keys where !nothingGone {
            let listed = complete ? listedIDs?.contains(id) ?? true : seen.contains(id)
            guard !listed || (changedSet.contains(id) && !seen.contains(id)) else { continue }
            index.replace("\(collection)/\(id)", with: nil)
            updatedRevisions[id] = nil
        }
        if !complete {
            for key in index.keys(ofKind: collection) where !seen.contains(String(key.dropFirst(collection.count + 1)))
            {
                index.replace(key, with: nil)
            }
        }
        revisions[collection] = updatedRevisions
    }

    private func fetchByID(_ collection: String, ids: [String]) async throws -> [JSON] {
        var objects: [JSON] = []
        // Forty ids keep the query string near 1,600 characters, well under common URL limits.
        for start in stride(from: 0, to: ids.count, by: 40) {
            let batch = ids[start..<min(start + 40, ids.count)]
            objects += try await client.list(collection, query: batch.map { ("id", $0) })
        }
        return objects
    }

    /// Compares a listing of `id` and `revision_number` with the revisions seen before.
    /// Returns the ids that are new or changed, the listed ids when some known id may be
    /// missing from the listing (nil when every known id is listed), and whether every item
    /// had a revision. When one lacks it, nothing can be skipped and `changed` is empty.
    static func compareRevisions(_ summary: [RevisionEntry], known: [String: Int64])
        -> (listed: Set<String>?, changed: [String], complete: Bool)
    {
        var changed: [String] = []
        var newCount = 0
        for item in summary {
            guard let revision = item.revision else { return (nil, [], false) }
            let previous = known[item.id]
            if previous != revision {
                changed.append(item.id)
                if previous == nil { newCount += 1 }
            }
        }

        // Ids are unique in a listing, so when the known ids it contains number as many as all
        // known ids, none is missing and the set of listed ids need not be built.
        if summary.count - newCount == known.count { return (nil, changed, true) }
        return (Set(summary.map(\.id)), changed, true)
    }
}
