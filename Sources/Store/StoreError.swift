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
    /// The connection to a database server dropped. Agora reconnected once; the transaction that
    /// was running is lost, unless the connection dropped during its `COMMIT`, when its outcome
    /// is unknown.
    case connectionLost(location: String, message: String)
    /// An operation named a record that does not exist; `kind` is `policy`, `rule`, ...
    case notFound(kind: String, key: String)
    /// A data-source config contains a password, secret or token in the clear at `field`.
    case literalSecret(dataSource: String, field: String)
    /// A value meant to be JSON was not, or had the wrong shape; `field` names where it was.
    case invalidJSON(field: String, message: String)

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
        case .connectionLost(let location, let message):
            return "lost the connection to the store at \(location): \(message); the running transaction was "
                + "rolled back, or its outcome is unknown if the connection dropped while it committed"
        case .notFound(let kind, let key):
            return "no \(kind) found with name or id \(key)"
        case .literalSecret(let dataSource, let field):
            return "data source \(dataSource): config field '\(field)' holds a literal secret, which the store does "
                + "not keep; put the secret in an environment variable and set '\(field)_env' to its name, or "
                + "name a clouds.yaml cloud in 'cloud'"
        case .invalidJSON(let field, let message):
            return "invalid JSON in \(field): \(message)"
        }
    }

    private static func shorten(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        return flat.count > 160 ? String(flat.prefix(160)) + "…" : flat
    }
}
