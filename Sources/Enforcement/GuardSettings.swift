/// How far a policy may act on its own.
public enum PolicyMode: String, Sendable, Codable, CaseIterable {
    /// Record the intent only.
    case monitor
    /// Record the backend call that would be made, and make none.
    case dryRun = "dry-run"
    /// Hold every intent until an operator approves it.
    case approve
    /// Act.
    case enforce
}

/// Resources that no action may touch without an admin's override for that one action.
/// Infrastructure (ports owned by `network:*`, link-local 169.254.0.0/16 with the metadata
/// service, loopback) is always protected and needs no entry here.
public struct ProtectedList: Sendable, Codable, Equatable {
    public var vmIDs: Set<String>
    public var projectIDs: Set<String>
    public var networkIDs: Set<String>
    /// IPv4 or IPv6 networks in CIDR form; a bare address means that one host.
    public var networks: [String]

    public init(
        vmIDs: Set<String> = [], projectIDs: Set<String> = [], networkIDs: Set<String> = [], networks: [String] = []
    ) {
        self.vmIDs = vmIDs
        self.projectIDs = projectIDs
        self.networkIDs = networkIDs
        self.networks = networks
    }

    private enum CodingKeys: String, CodingKey {
        case vmIDs, projectIDs, networkIDs, networks
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vmIDs = try container.decodeIfPresent(Set<String>.self, forKey: .vmIDs) ?? []
        projectIDs = try container.decodeIfPresent(Set<String>.self, forKey: .projectIDs) ?? []
        networkIDs = try container.decodeIfPresent(Set<String>.self, forKey: .networkIDs) ?? []
        networks = try container.decodeIfPresent([String].self, forKey: .networks) ?? []
    }
}

/// A limit on how many actions run within a sliding window. A round of new intents that would
/// take the count past `maxActions`, or past `maxServerPercent` of the cloud's servers, is held
/// as a whole for an operator.
public struct BlastRadiusCap: Sendable, Codable, Equatable {
    /// The most actions allowed within `window`; reaching it is allowed, passing it is not.
    public var maxActions: Int
    /// The window in seconds.
    public var window: Double
    /// The most actions within `window` as a percentage of the servers in inventory; nil for none.
    public var maxServerPercent: Double?

    public init(maxActions: Int, window: Double, maxServerPercent: Double? = nil) {
        self.maxActions = maxActions
        self.window = window
        self.maxServerPercent = maxServerPercent
    }
}

/// The guard's configuration, which the service stores as JSON. Every field may be left out
/// of the JSON and takes its default.
public struct GuardSettings: Sendable, Codable, Equatable {
    /// The mode of a policy that `modes` does not name. New policies start in dry-run.
    public var defaultMode: PolicyMode = .dryRun
    public var modes: [String: PolicyMode] = [:]
    /// Policies that belong to one project (an operator made them), by name: their actions
    /// may touch only that project's VMs. Policies not named here may act anywhere.
    public var policyProjects: [String: String] = [:]
    public var protected = ProtectedList()
    /// The cap of a policy that `policyCaps` does not name; nil for none. The default caps are
    /// cautious starting values for an operator to tune, not measured limits.
    public var defaultPolicyCap: BlastRadiusCap? = BlastRadiusCap(maxActions: 10, window: 3600)
    public var policyCaps: [String: BlastRadiusCap] = [:]
    /// The cap across all policies; nil for none.
    public var globalCap: BlastRadiusCap? = BlastRadiusCap(maxActions: 50, window: 3600)
    /// Whether a VM response needs the source address attributed to the VM (anti-spoofing).
    public var requireSourceAttribution = true
    /// Whether the attributing port must have port security on. A port without it can send from
    /// any address, and others on its network can send from its address. Off by default, so a
    /// VM whose own fixed IP sent the traffic is acted on even without port security. Such ports
    /// (routers, firewalls, NFV appliances) are the ones attackers reach, and the quarantine
    /// sets them down instead.
    public var requirePortSecurity = false
    /// The oldest inventory, in seconds, on which the guard still decides to act.
    public var maxInventoryAge: Double = 120

    public init() {}

    public func mode(of policy: String) -> PolicyMode { modes[policy] ?? defaultMode }

    public func cap(of policy: String) -> BlastRadiusCap? { policyCaps[policy] ?? defaultPolicyCap }

    private enum CodingKeys: String, CodingKey {
        case defaultMode, modes, policyProjects, protected, defaultPolicyCap, policyCaps, globalCap,
            requireSourceAttribution
        case requirePortSecurity, maxInventoryAge
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = GuardSettings()
        defaultMode = try container.decodeIfPresent(PolicyMode.self, forKey: .defaultMode) ?? defaults.defaultMode
        modes = try container.decodeIfPresent([String: PolicyMode].self, forKey: .modes) ?? defaults.modes
        policyProjects =
            try container.decodeIfPresent([String: String].self, forKey: .policyProjects) ?? defaults.policyProjects
        protected = try container.decodeIfPresent(ProtectedList.self, forKey: .protected) ?? defaults.protected
        if container.contains(.defaultPolicyCap) {
            defaultPolicyCap = try container.decodeIfPresent(BlastRadiusCap.self, forKey: .defaultPolicyCap)
        }
        policyCaps =
            try container.decodeIfPresent([String: BlastRadiusCap].self, forKey: .policyCaps) ?? defaults.policyCaps
        if container.contains(.globalCap) {
            globalCap = try container.decodeIfPresent(BlastRadiusCap.self, forKey: .globalCap)
        }
        requireSourceAttribution =
            try container.decodeIfPresent(Bool.self, forKey: .requireSourceAttribution)
            ?? defaults.requireSourceAttribution
        requirePortSecurity =
            try container.decodeIfPresent(Bool.self, forKey: .requirePortSecurity) ?? defaults.requirePortSecurity
        maxInventoryAge =
            try container.decodeIfPresent(Double.self, forKey: .maxInventoryAge) ?? defaults.maxInventoryAge
    }
}
