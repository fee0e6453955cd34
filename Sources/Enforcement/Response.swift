/// What Agora can do to a VM or an address, as reactive rules name it in
/// `execute[agora:RESPONSE(vm, source_ip)]` (or `execute[agora:block(address)]`).
public enum ResponseKind: String, Sendable, Codable, CaseIterable {
    /// Replace the security groups of every port of the VM with the project's quarantine group;
    /// a port that cannot take a group (port security off, no IP) is set down instead.
    case quarantine
    /// Set every port of the VM administratively down.
    case portDown = "port_down"
    /// Pause the server.
    case pause
    /// Lock the server, with a reason, so that its owner cannot undo the response.
    case lock
    /// Drop traffic to and from an address on the local host (nftables), ending open sessions.
    case block
}

/// The thing an action changes. VM responses carry the VM and the source address that the
/// evidence named; `block` carries only the address.
public struct ActionTarget: Hashable, Sendable, Codable, CustomStringConvertible {
    public var vmID: String?
    /// The flagged address: the VM's source address for VM responses, the blocked address for `block`.
    public var address: String?
    /// The project of the VM, filled in from inventory when known.
    public var projectID: String?

    public init(vmID: String? = nil, address: String? = nil, projectID: String? = nil) {
        self.vmID = vmID
        self.address = address
        self.projectID = projectID
    }

    public var description: String {
        [vmID.map { "vm \($0)" }, address.map { "address \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }
}

/// One change that a backend made, with what was there before, so that a release can put it
/// back exactly and check that it did.
public struct AppliedChange: Hashable, Sendable, Codable {
    /// What was changed: `port_security_groups`, `port_admin_state`, `server_status`,
    /// `server_lock`, `nft_element`, ...
    public var kind: String
    /// The id of the changed resource (a port, a server, an address).
    public var resource: String
    /// The state before the change, in the backend's words (for example the group ids, comma-separated).
    public var before: String
    /// The state the change set.
    public var after: String
    /// How it was done, when the backend chose between ways (for example "admin_state_up=false
    /// because port security is off").
    public var method: String

    public init(kind: String, resource: String, before: String, after: String, method: String = "") {
        self.kind = kind
        self.resource = resource
        self.before = before
        self.after = after
        self.method = method
    }
}

/// A backend's answer to apply, verify or release.
public struct BackendResult: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// The change was made (or was already in place) and read back.
        case done
        /// Nothing needed doing: the target was already in the wanted state.
        case alreadyInState = "already_in_state"
        /// Some changes were made, others failed; `changes` lists those made.
        case partial
        /// Nothing was changed.
        case failed
    }

    public var status: Status
    public var changes: [AppliedChange]
    public var detail: String
    /// Whether trying again later may succeed (a timeout or a 5xx), as opposed to a refusal.
    public var transient: Bool

    public init(status: Status, changes: [AppliedChange] = [], detail: String = "", transient: Bool = false) {
        self.status = status
        self.changes = changes
        self.detail = detail
        self.transient = transient
    }
}

/// A system that carries out responses: the OpenStack APIs, nftables on this host, or the
/// simulated cloud. Every call reads the target's current state itself; nothing a backend
/// reports as `done` is taken on the word of a 200 alone.
public protocol ActionBackend: Sendable {
    /// The backend's name in the ledger and in messages (`openstack`, `nftables`, `simulated`).
    var name: String { get }

    /// Whether this backend carries out `response`.
    func supports(_ response: ResponseKind) -> Bool

    /// Makes the change and reads it back.
    func apply(_ response: ResponseKind, to target: ActionTarget, reason: String) async -> BackendResult

    /// Reads the target again and reports whether every change in `changes` is still in place.
    func verify(_ changes: [AppliedChange]) async -> BackendResult

    /// Puts back the state recorded in `changes`, and reads it back.
    func release(_ changes: [AppliedChange]) async -> BackendResult
}
