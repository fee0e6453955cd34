import Datalog

/// The columns of one table a data source publishes, in order.
public struct TableSchema: Hashable, Sendable {
    public var name: String
    public var columns: [String]
    public var description: String

    public init(name: String, columns: [String], description: String = "") {
        self.name = name
        self.columns = columns
        self.description = description
    }
}

/// A data-source driver: turns an outside system's data into rows of `service:table` tables.
///
/// `service` is the policy name the tables live under (`nova`, `neutronv2`, `ids`). Drivers
/// report changes as `TableDelta`s; a polling driver diffs each snapshot against the previous
/// one itself, so that only deltas cross this boundary.
public protocol DataSourceDriver: AnyObject {
    var service: String { get }
    var tables: [TableSchema] { get }
}
