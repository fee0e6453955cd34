import Datalog
import OpenStack

/// One column of a translated table: its name, where its value is in the API object, and how
/// the value is converted.
public struct ColumnSpec: Sendable {
    public enum Kind: Sendable {
        case plain
        case ipAddress
        case ipNetwork
    }

    public var name: String
    /// Key paths tried in order; the first that is present gives the value.
    public var paths: [[String]]
    public var kind: Kind

    public init(_ name: String, _ paths: [String]..., kind: Kind = .plain) {
        self.name = name
        self.paths = paths.isEmpty ? [[name]] : paths
        self.kind = kind
    }

    func value(in object: JSON) -> Value {
        var found: JSON?
        for path in paths {
            var current: JSON? = object
            for key in path { current = current?[key] }
            if let current {
                found = current
                break
            }
        }
        switch kind {
        case .plain: return CongressValues.value(found)
        case .ipAddress: return CongressValues.address(found)
        case .ipNetwork: return CongressValues.network(found)
        }
    }
}

/// Turns one API object into the rows of one table, the unit that drivers compose.
public struct TableTranslator: Sendable {
    public let schema: TableSchema
    public let rows: @Sendable (JSON) -> [Row]

    public init(schema: TableSchema, rows: @escaping @Sendable (JSON) -> [Row]) {
        self.schema = schema
        self.rows = rows
    }

    /// Makes one row per object, one column per spec.
    public static func object(_ table: String, _ columns: [ColumnSpec], description: String = "") -> TableTranslator {
        TableTranslator(schema: TableSchema(name: table, columns: columns.map(\.name), description: description)) {
            object in [columns.map { $0.value(in: object) }]
        }
    }

    /// Makes one row per element of the list of objects at `list`, each starting with the parent's
    /// `id` in column `parent`.
    public static func children(
        _ table: String, parent: String, list: [String], _ columns: [ColumnSpec], description: String = ""
    ) -> TableTranslator {
        TableTranslator(
            schema: TableSchema(name: table, columns: [parent] + columns.map(\.name), description: description)
        ) { object in
            let parentID = CongressValues.value(object["id"])
            return elements(of: object, at: list).map { element in [parentID] + columns.map { $0.value(in: element) } }
        }
    }

    /// Makes one row `(parent id, value)` per element of the list of scalars at `list`.
    public static func values(
        _ table: String, parent: String, list: [String], column: String, kind: ColumnSpec.Kind = .plain,
        description: String = ""
    ) -> TableTranslator {
        let spec = ColumnSpec(column, [], kind: kind)
        return TableTranslator(
            schema: TableSchema(name: table, columns: [parent, column], description: description)
        ) { object in
            let parentID = CongressValues.value(object["id"])
            return elements(of: object, at: list).map { [parentID, spec.value(in: $0)] }
        }
    }

    private static func elements(of object: JSON, at path: [String]) -> [JSON] {
        var current: JSON? = object
        for key in path { current = current?[key] }
        return current?.arrayValue ?? []
    }
}

/// The tables made from one kind of API object (a port, a server), and the keys its
/// responses use: the collection key of a listing (`ports`) and the key of a single object (`port`).
public struct ResourceTranslator: Sendable {
    public let collectionKey: String
    public let objectKey: String
    public let tables: [TableTranslator]

    public init(collectionKey: String, objectKey: String, tables: [TableTranslator]) {
        self.collectionKey = collectionKey
        self.objectKey = objectKey
        self.tables = tables
    }

    /// Translates one object into rows by table name, leaving out tables without rows.
    public func translate(_ object: JSON) -> [String: [Row]] {
        var result: [String: [Row]] = [:]
        for table in tables {
            let rows = table.rows(object)
            if !rows.isEmpty { result[table.schema.name, default: []].append(contentsOf: rows) }
        }
        return result
    }

    /// Returns the objects of a response body: the list under `collectionKey` or the object under `objectKey`.
    public func objects(inResponse body: JSON) -> [JSON]? {
        if let list = body[collectionKey]?.arrayValue { return list }
        if let object = body[objectKey], object.objectValue != nil { return [object] }
        return nil
    }
}
