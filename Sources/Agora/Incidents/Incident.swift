import Foundation
import OpenStack

/// A VM that policy flagged, with what the operator needs to decide: the evidence, the proof
/// of the `error` row, and the actions taken.
public struct Incident: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Flagged; no response has taken effect yet.
        case open
        /// A response took effect and was verified.
        case contained
        /// An operator released the responses; the VM is back as it was.
        case released
        /// An operator closed the incident.
        case resolved
    }

    public var id: String
    /// The policy whose `error` table flagged the VM.
    public var policy: String
    /// The VM id (the first column of the `error` row).
    public var vmID: String
    public var vmName: String
    public var projectID: String
    /// The VM's address that the evidence names.
    public var sourceIP: String
    /// The external addresses the VM contacted, in first-seen order.
    public var externalIPs: [String]
    public var state: State
    public var firstSeen: Date
    public var lastSeen: Date
    /// How many `error` rows the incident has seen appear.
    public var errorRows: Int
    /// Sample evidence: IDS records and the blocklist entries that matched, newest last.
    public var evidence: [Evidence]
    /// The proof tree of the first `error` row (`ProofJSON` shape).
    public var proof: JSON
    /// Set when the guard found the source address cannot be pinned on this VM.
    public var attributionWarning: String?
    public var notes: [Note]

    public struct Evidence: Sendable, Equatable {
        /// `ids:alerts`, `ids:ip_packet`, `blocklist:networks`, ...
        public var table: String
        public var row: String
        public var at: Date

        public init(table: String, row: String, at: Date) {
            self.table = table
            self.row = row
            self.at = at
        }
    }

    public struct Note: Sendable, Equatable {
        public var at: Date
        public var author: String
        public var text: String

        public init(at: Date, author: String, text: String) {
            self.at = at
            self.author = author
            self.text = text
        }
    }

    /// The incident as the API shows it.
    public var json: JSON {
        .object([
            "id": .string(id), "policy": .string(policy), "vm_id": .string(vmID), "vm_name": .string(vmName),
            "project_id": .string(projectID), "source_ip": .string(sourceIP),
            "external_ips": .array(externalIPs.map { .string($0) }), "state": .string(state.rawValue),
            "first_seen": .string(Timestamps.text(firstSeen)), "last_seen": .string(Timestamps.text(lastSeen)),
            "error_rows": .int(Int64(errorRows)),
            "evidence": .array(
                evidence.map {
                    .object(["table": .string($0.table), "row": .string($0.row), "at": .string(Timestamps.text($0.at))])
                }),
            "evidence_count": .int(Int64(evidence.count)),
            "proof": proof,
            "attribution_warning": attributionWarning.map { .string($0) } ?? .null,
            "notes": .array(
                notes.map {
                    .object([
                        "at": .string(Timestamps.text($0.at)), "author": .string($0.author), "text": .string($0.text),
                    ])
                }),
        ])
    }
}
