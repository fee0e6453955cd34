import Foundation

/// A SQLite database in one file, in WAL mode: one writer connection and one reader, each
/// behind its own lock, so reads see the last commit without waiting for a write.
///
/// `synchronous = FULL` by default: a commit is on disk before `write` returns, so a crash of
/// the process or of the machine loses no committed change.
public final class SQLiteDatabase: Database, @unchecked Sendable {
    public let dialect = SQLDialect.sqlite
    public let location: String
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let writeLock = NSLock()
    private let readLock = NSLock()

    public enum Durability: String, Sendable {
        /// Every commit reaches the disk before it returns.
        case full = "FULL"
        /// Commits survive a process crash; a power loss may lose the last ones.
        case normal = "NORMAL"
    }

    /// Opens the file at `path`, creating it and its directory when missing.
    public init(path: String, durability: Durability = .full) throws(StoreError) {
        location = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .open(location: path, message: "cannot create the directory \(directory): \(error)")
            }
        }
        writer = try SQLiteConnection(path: path, readOnly: false)
        try writer.script(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = \(durability.rawValue); PRAGMA foreign_keys = ON;")
        reader = try SQLiteConnection(path: path, readOnly: true)
        try reader.script("PRAGMA foreign_keys = ON;")
    }

    @discardableResult
    public func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        writeLock.lock()
        defer { writeLock.unlock() }
        try writer.script("BEGIN IMMEDIATE")
        do {
            let result = try body(writer)
            try writer.script("COMMIT")
            return result
        } catch {
            try? writer.script("ROLLBACK")
            throw error
        }
    }

    @discardableResult
    public func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        readLock.lock()
        defer { readLock.unlock() }
        try reader.script("BEGIN")
        defer { try? reader.script("COMMIT") }
        return try body(reader)
    }

    public func close() {
        writeLock.lock()
        writer.close()
        writeLock.unlock()
        readLock.lock()
        reader.close()
        readLock.unlock()
    }
}
