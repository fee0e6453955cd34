/// The store of each quarantined port's previous security groups, so that release restores
/// them exactly. A durable implementation belongs to the Store module, which implements this protocol.
public protocol PortGroupMemory: Sendable {
    func save(portID: String, groups: [String]) async throws
    func load(portID: String) async throws -> [String]?
    func remove(portID: String) async throws
}

/// Remembered groups held in memory only, lost when the process ends.
public actor InMemoryPortGroupMemory: PortGroupMemory {
    private var groups: [String: [String]] = [:]

    public init() {}

    public func save(portID: String, groups: [String]) { self.groups[portID] = groups }
    public func load(portID: String) -> [String]? { groups[portID] }
    public func remove(portID: String) { groups[portID] = nil }
}
