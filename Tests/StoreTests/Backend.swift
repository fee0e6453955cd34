import Foundation
import Testing

@testable import Store

/// The two databases every repository test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Returns the location of a new, empty store: a temporary SQLite file, or a new database on
    /// the test PostgreSQL server.
    func newLocation() throws -> String {
        switch self {
        case .sqlite: return NSTemporaryDirectory() + "agora-store-\(UUID().uuidString)/agora.db"
        case .postgres: return try PostgresServer.require().createDatabase()
        }
    }

    /// Opens a new store with every migration applied and returns it with its location.
    func openStore() throws -> (database: any Database, location: String) {
        let location = try newLocation()
        return (try Store.open(location), location)
    }
}

/// A clock that starts at a fixed whole second and moves one second each time it is read, so
/// stored times compare exactly and records made one after another sort in order.
final class SteppingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_700_000_000)

    func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        current += 1
        return current
    }

    var function: StoreClock { { self.now() } }
}
