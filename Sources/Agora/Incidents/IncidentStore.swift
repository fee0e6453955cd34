import Foundation
import OpenStack
import Store

/// Incidents and their notes in the store (schema component `incidents`).
public struct IncidentStore: Sendable {
    public let database: any Database

    public init(database: any Database) { self.database = database }

    public static let migrations = [
        Migration(component: "incidents", version: 1, summary: "incidents") { _ in
            [
                """
                CREATE TABLE incidents (
                    id TEXT PRIMARY KEY, policy TEXT NOT NULL, vm_id TEXT NOT NULL, vm_name TEXT NOT NULL,
                    project_id TEXT NOT NULL, source_ip TEXT NOT NULL, external_ips TEXT NOT NULL,
                    state TEXT NOT NULL, first_seen DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL,
                    error_rows BIGINT NOT NULL, evidence TEXT NOT NULL, proof TEXT NOT NULL,
                    attribution_warning TEXT, notes TEXT NOT NULL)
                """,
                "CREATE INDEX incidents_subject ON incidents (policy, vm_id, state)",
            ]
        },
        Migration(component: "incidents", version: 2, summary: "index for the newest-first list") { _ in
            ["CREATE INDEX incidents_recent ON incidents (last_seen, id)"]
        },
    ]

    /// Writes the incident whole, replacing what was stored under its id.
    public func save(_ incident: Incident) throws {
        try database.write { sql in try save(incident, in: sql) }
    }

    public func save(_ incident: Incident, in sql: any SQLExecutor) throws {
        try sql.execute(
            """
            INSERT INTO incidents (id, policy, vm_id, vm_name, project_id, source_ip, external_ips, state,
                first_seen, last_seen, error_rows, evidence, proof, attribution_warning, notes)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (id) DO UPDATE SET vm_name = excluded.vm_name, project_id = excluded.project_id,
                source_ip = excluded.source_ip, external_ips = excluded.external_ips, state = excluded.state,
                last_seen = excluded.last_seen, error_rows = excluded.error_rows, evidence = excluded.evidence,
                proof = excluded.proof, attribution_warning = excluded.attribution_warning, notes = excluded.notes
            """,
            [
                .text(incident.id), .text(incident.policy), .text(incident.vmID), .text(incident.vmName),
                .text(incident.projectID), .text(incident.sourceIP),
                .text(JSON.array(incident.externalIPs.map { .string($0) }).text), .text(incident.state.rawValue),
                .real(incident.firstSeen.timeIntervalSince1970), .real(incident.lastSeen.timeIntervalSince1970),
                .integer(Int64(incident.errorRows)), .text(Self.evidenceText(incident.evidence)),
                .text(incident.proof.text), SQLValue(incident.attributionWarning),
                .text(Self.notesText(incident.notes)),
            ])
    }

    public func incident(_ id: String) throws -> Incident? {
        try database.read { sql in
            try sql.first("SELECT * FROM incidents WHERE id = $1", [.text(id)]).map(Self.incident)
        }
    }

    /// The newest incident of a VM under a policy that is not resolved.
    public func active(policy: String, vmID: String) throws -> Incident? {
        try database.read { sql in
            try sql.first(
                """
                SELECT * FROM incidents WHERE policy = $1 AND vm_id = $2 AND state <> 'resolved'
                ORDER BY first_seen DESC LIMIT 1
                """, [.text(policy), .text(vmID)]
            ).map(Self.incident)
        }
    }

    /// Incidents newest first (latest `last_seen`, then the greater id), one page of at most `limit`.
    ///
    /// - Parameters:
    ///   - state: only incidents in this state.
    ///   - projects: only incidents of these projects; nil for every project.
    ///   - marker: the id of the last incident of the previous page, where this page continues.
    ///     An id that is not stored throws `StoreError.notFound`.
    public func list(
        state: Incident.State? = nil, projects: Set<String>? = nil, after marker: String? = nil, limit: Int = 500
    ) throws -> [Incident] {
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        func placeholder(_ value: SQLValue) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }

        if let state { conditions.append("state = \(placeholder(.text(state.rawValue)))") }
        if let projects {
            guard !projects.isEmpty else { return [] }
            let list = projects.sorted().map { placeholder(.text($0)) }.joined(separator: ", ")
            conditions.append("project_id IN (\(list))")
        }
        if let marker {
            guard let last = try incident(marker) else { throw StoreError.notFound(kind: "incident", key: marker) }
            let seen = placeholder(.real(last.lastSeen.timeIntervalSince1970))
            let id = placeholder(.text(last.id))
            conditions.append("(last_seen < \(seen) OR (last_seen = \(seen) AND id < \(id)))")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limitParameter = placeholder(.integer(Int64(limit)))
        let rows = try database.read { sql in
            try sql.query(
                "SELECT * FROM incidents \(filter) ORDER BY last_seen DESC, id DESC LIMIT \(limitParameter)", parameters
            )
        }
        return try rows.map(Self.incident)
    }

    // MARK: Encoding

    static func incident(_ row: SQLRow) throws -> Incident {
        Incident(
            id: try row.string("id"), policy: try row.string("policy"), vmID: try row.string("vm_id"),
            vmName: try row.string("vm_name"), projectID: try row.string("project_id"),
            sourceIP: try row.string("source_ip"),
            externalIPs: (try parse(row.string("external_ips")).arrayValue ?? []).compactMap(\.stringValue),
            state: Incident.State(rawValue: try row.string("state")) ?? .open,
            firstSeen: Date(timeIntervalSince1970: row["first_seen"].real ?? 0),
            lastSeen: Date(timeIntervalSince1970: row["last_seen"].real ?? 0),
            errorRows: Int(try row.int("error_rows")),
            evidence: (try parse(row.string("evidence")).arrayValue ?? []).map {
                Incident.Evidence(
                    table: $0["table"]?.stringValue ?? "", row: $0["row"]?.stringValue ?? "",
                    at: Date(timeIntervalSince1970: Double($0["at"]?.intValue ?? 0) / 1000))
            },
            proof: try parse(row.string("proof")), attributionWarning: row.optionalString("attribution_warning"),
            notes: (try parse(row.string("notes")).arrayValue ?? []).map {
                Incident.Note(
                    at: Date(timeIntervalSince1970: Double($0["at"]?.intValue ?? 0) / 1000),
                    author: $0["author"]?.stringValue ?? "", text: $0["text"]?.stringValue ?? "")
            })
    }

    private static func parse(_ text: String) throws -> JSON { try JSON.parse(Data(text.utf8), source: "incidents") }

    private static func milliseconds(_ date: Date) -> JSON {
        .int(Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    static func evidenceText(_ evidence: [Incident.Evidence]) -> String {
        JSON.array(
            evidence.map { .object(["table": .string($0.table), "row": .string($0.row), "at": milliseconds($0.at)]) }
        ).text
    }

    static func notesText(_ notes: [Incident.Note]) -> String {
        JSON.array(
            notes.map { .object(["at": milliseconds($0.at), "author": .string($0.author), "text": .string($0.text)]) }
        ).text
    }
}
