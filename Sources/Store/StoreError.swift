/// Why the store refused or failed an operation. Each case carries the value at fault.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The database could not be opened or created at `location`.
    case open(location: String, message: String)
    /// A statement failed; `code` is the engine's own error code or SQLSTATE.
    case statement(sql: String, code: String, message: String)
    /// A uniqueness or foreign-key rule refused a write.
    case constraint(sql: String, message: String)
    /// A column held a value of another type than the reader expected.
    case columnType(column: String, expected: String, found: SQLValue)
    /// The database was written by a newer Agora: it holds a schema version this build does not know.
    case newerSchema(component: String, found: Int, known: Int)
    /// A migration step failed; nothing of that step was kept.
    case migration(component: String, version: Int, message: String)
    /// The database is busy beyond the wait limit (another process holds the write lock).
    case busy(location: String)

    public var description: String {
        switch self {
        case .open(let location, let message):
            return "cannot open the store at \(location): \(message)"
        case .statement(let sql, let code, let message):
            return "store statement failed (\(code)): \(message); statement: \(Self.shorten(sql))"
        case .constraint(_, let message):
            return "store refused the write: \(message)"
        case .columnType(let column, let expected, let found):
            return "store column '\(column)' holds \(found), expected \(expected)"
        case .newerSchema(let component, let found, let known):
            return "the store's \(component) schema is at version \(found) but this build knows only up to "
                + "\(known); run a newer Agora or restore a backup"
        case .migration(let component, let version, let message):
            return "migration \(component) \(version) failed: \(message)"
        case .busy(let location):
            return "the store at \(location) stayed locked by another writer; is a second agora running on it?"
        }
    }

    private static func shorten(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        return flat.count > 160 ? String(flat.prefix(160)) + "…" : flat
    }
}
