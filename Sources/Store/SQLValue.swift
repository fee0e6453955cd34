/// A value bound to a statement parameter or read from a result column.
public enum SQLValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    public init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    public init(_ value: Bool) { self = .integer(value ? 1 : 0) }
    public init(_ value: Double?) { self = value.map { .real($0) } ?? .null }

    public var isNull: Bool { self == .null }

    public var string: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .real(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    public var real: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    public var bytes: [UInt8]? {
        switch self {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        default: return nil
        }
    }
}

/// One row of a query result, read by column name.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of the named column; `.null` when the result has no such column.
    public subscript(_ column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    /// The named column as text, or an error that names the column when it holds something else.
    public func string(_ column: String) throws(StoreError) -> String {
        guard let text = self[column].string else {
            throw .columnType(column: column, expected: "text", found: self[column])
        }
        return text
    }

    public func optionalString(_ column: String) -> String? { self[column].string }

    public func int(_ column: String) throws(StoreError) -> Int64 {
        guard let value = self[column].integer else {
            throw .columnType(column: column, expected: "integer", found: self[column])
        }
        return value
    }

    public func optionalInt(_ column: String) -> Int64? { self[column].integer }

    public func bool(_ column: String) throws(StoreError) -> Bool { try int(column) != 0 }
}
