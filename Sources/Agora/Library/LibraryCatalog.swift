import Foundation

/// The library policies an operator can create policies from: those that ship with Agora and
/// those added through the API.
public final class LibraryCatalog: @unchecked Sendable {
    private let lock = NSLock()
    private var policies: [LibraryPolicy] = []
    private let persistence: (any LibraryPersistence)?

    public init(persistence: (any LibraryPersistence)?) { self.persistence = persistence }

    /// Loads the stored library; when the store has none, stores the bundled policies, as
    /// Congress seeded an empty library table from its files.
    public func load() throws {
        var stored = try persistence?.loadLibrary() ?? []
        if stored.isEmpty {
            stored = try LibraryPolicy.bundled()
            for policy in stored { try persistence?.saveLibrary(policy) }
        }
        lock.lock()
        policies = stored
        lock.unlock()
    }

    public var all: [LibraryPolicy] {
        lock.lock()
        defer { lock.unlock() }
        return policies.sorted { $0.name < $1.name }
    }

    public func policy(_ idOrName: String) throws -> LibraryPolicy? {
        lock.lock()
        defer { lock.unlock() }
        return policies.first { $0.id == idOrName } ?? policies.first { $0.name == idOrName }
    }

    /// Adds or replaces (by id) a library policy.
    public func save(_ policy: LibraryPolicy) throws {
        lock.lock()
        defer { lock.unlock() }
        if policies.contains(where: { $0.name == policy.name && $0.id != policy.id }) {
            throw CatalogError.duplicatePolicy(policy.name)
        }
        try persistence?.saveLibrary(policy)
        policies.removeAll { $0.id == policy.id }
        policies.append(policy)
    }

    @discardableResult
    public func delete(_ idOrName: String) throws -> LibraryPolicy? {
        lock.lock()
        defer { lock.unlock() }
        guard let policy = policies.first(where: { $0.id == idOrName || $0.name == idOrName }) else { return nil }
        try persistence?.deleteLibrary(policy)
        policies.removeAll { $0.id == policy.id }
        return policy
    }
}

/// Where library policies are kept across restarts.
public protocol LibraryPersistence: Sendable {
    func loadLibrary() throws -> [LibraryPolicy]
    func saveLibrary(_ policy: LibraryPolicy) throws
    func deleteLibrary(_ policy: LibraryPolicy) throws
}
