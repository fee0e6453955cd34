import Foundation
import OpenStack
import Store

@testable import Agora

/// Incidents written straight into the store before the service starts, for cases that the simulated
/// cloud and the EVE file cannot produce quickly: markup in names and notes, other projects and states,
/// and ten thousand incidents.
enum SeedIncidents {
    /// Project id of the seeded incidents that belong to no simulated project.
    static let otherProject = "proj-other"

    static func incident(
        id: String, vmName: String, project: String, state: Incident.State = .open, seen: Date,
        externalIPs: [String] = ["203.0.113.66"], warning: String? = nil, notes: [Incident.Note] = []
    ) -> Incident {
        Incident(
            id: id, policy: "compromised_vm", vmID: "vm-\(id)", vmName: vmName, projectID: project,
            sourceIP: "10.99.0.1", externalIPs: externalIPs, state: state, firstSeen: seen, lastSeen: seen,
            errorRows: 1, evidence: [Incident.Evidence(table: "ids:alerts", row: "seeded \(id)", at: seen)],
            proof: .null, attributionWarning: warning, notes: notes)
    }

    /// Saves `incidents` in one transaction.
    static func save(_ incidents: [Incident], in database: any Database) throws {
        let store = IncidentStore(database: database)
        try database.write { sql in
            for incident in incidents { try store.save(incident, in: sql) }
        }
    }

    /// Incidents `seeded-00000` to `seeded-N` in `project`, one a second going back from an hour ago, so that
    /// the one opened by the test's infection is the newest.
    static func many(_ count: Int, project: String) -> [Incident] {
        let start = Date().addingTimeInterval(-3600)
        return (0..<count).map { index in
            incident(
                id: String(format: "seeded-%05d", index), vmName: "vm-\(index)", project: project,
                state: index % 7 == 0 ? .resolved : .open, seen: start.addingTimeInterval(-Double(index)))
        }
    }
}
