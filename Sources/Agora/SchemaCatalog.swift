import DataSources
import Datalog

/// The tables Agora's own data sources publish, by service, with their columns in order.
///
/// `agora eval` creates these services as data-source policies, so that rules can use column
/// references and short atoms on them, and `agora schema` prints them.
public enum SchemaCatalog {
    public static var services: [String: [TableSchema]] {
        [
            IDSTables.service: IDSTables.all + [BlocklistTables.ipBlacklist],
            "blocklist": [BlocklistTables.networks],
            NovaTables.service: NovaTables.schemas,
            NeutronTables.service: NeutronTables.schemas,
        ]
    }

    /// The catalog as a policy schema: table name to columns, per service.
    public static var policySchemas: [String: [String: [String]]] {
        var result: [String: [String: [String]]] = [:]
        for (service, tables) in services {
            for table in tables { result[service, default: [:]][table.name] = table.columns }
        }
        return result
    }
}
