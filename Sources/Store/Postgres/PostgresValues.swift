import CPostgres

/// Conversions between `SQLValue` and libpq's text format.
enum PostgresValues {
    // Type OIDs from PostgreSQL's pg_type catalog (src/include/catalog/pg_type.dat).
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let oid: Oid = 26
    static let float4: Oid = 700
    static let float8: Oid = 701
    static let numeric: Oid = 1700

    /// Returns the parameter type sent with a value. 0 leaves the choice to the server.
    static func typeOID(_ value: SQLValue) -> Oid {
        switch value {
        case .integer: return int8
        case .real: return float8
        case .blob: return bytea
        case .text, .null: return 0
        }
    }

    /// Formats a value in text format, or returns nil for SQL NULL. Byte arrays use bytea's hex form (`\x00ff`).
    static func text(_ value: SQLValue) -> String? {
        switch value {
        case .null: return nil
        case .integer(let number): return String(number)
        case .real(let number): return realText(number)
        case .text(let text): return text
        case .blob(let bytes): return "\\x" + hex(bytes)
        }
    }

    /// Converts every row of a successful result, typing each value by its column's type OID.
    static func rows(of result: OpaquePointer) -> [SQLRow] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let types = (0..<columnCount).map { PQftype(result, Int32($0)) }

        var rows: [SQLRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [SQLValue] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(.null)
                    continue
                }
                let text = String(cString: PQgetvalue(result, row, column))
                values.append(value(text, type: types[Int(column)]))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    static func value(_ text: String, type: Oid) -> SQLValue {
        switch type {
        case int2, int4, int8, oid:
            return Int64(text).map(SQLValue.integer) ?? .text(text)
        case float4, float8, numeric:
            return realValue(text).map(SQLValue.real) ?? .text(text)
        case bool:
            return .integer(text == "t" ? 1 : 0)
        case bytea:
            return unhex(text).map(SQLValue.blob) ?? .text(text)
        default:
            return .text(text)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes bytea's hex output form (`\x` then two hex digits a byte), the server's default
    /// since PostgreSQL 9.0; returns nil for the older escape form.
    static func unhex(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0
        else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// PostgreSQL spells the special doubles `Infinity`, `-Infinity` and `NaN`.
    private static func realText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return "\(number)"
    }

    private static func realValue(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text)
        }
    }
}
