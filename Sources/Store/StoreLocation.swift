/// The location of a store: a SQLite file, or a PostgreSQL server named by a URL.
public enum StoreLocation: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(conninfo: String)

    /// Reads a `postgresql://` or `postgres://` URL as a PostgreSQL server and anything else
    /// as the path of a SQLite file.
    public init(_ text: String) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgres://") {
            self = .postgres(conninfo: text)
        } else {
            self = .sqlite(path: text)
        }
    }
}

/// Opens Agora's store.
public enum Store {
    /// The schema steps of every repository in this module.
    public static let migrations: [Migration] =
        AuditRecords.migrations + PolicyRecords.migrations + DataSourceRecords.migrations
        + LibraryRecords.migrations + PushedTableRecords.migrations + OffsetRecords.migrations
        + TokenRecords.migrations + SettingRecords.migrations

    /// Opens the store at `location` (a file path or a `postgresql://` URL) and brings its
    /// schema up to date. A store written by a newer Agora is rejected, as `Migrator.apply` says.
    /// `durability` applies to a SQLite file; PostgreSQL follows its server's settings.
    public static func open(_ location: String, durability: SQLiteDatabase.Durability = .full) throws -> any Database {
        try open(StoreLocation(location), durability: durability)
    }

    public static func open(_ location: StoreLocation, durability: SQLiteDatabase.Durability = .full) throws
        -> any Database
    {
        let database: any Database
        switch location {
        case .sqlite(let path): database = try SQLiteDatabase(path: path, durability: durability)
        case .postgres(let conninfo): database = try PostgresDatabase(conninfo: conninfo)
        }
        do {
            try Migrator.apply(migrations, to: database)
        } catch {
            database.close()
            throw error
        }
        return database
    }
}
