import OpenStack

/// Aligned text for people: tables with a header line, and `field  value` lists.
///
/// Cells are never truncated, so long ids stay whole and copyable. A line break inside a cell
/// is shown as a space, so that every row stays on one line.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: [String]) { self.headers = headers }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The table as lines: headers in upper case, columns two spaces apart, no trailing spaces.
    var text: String {
        let cells = [headers.map { $0.uppercased() }] + rows.map { $0.map(Self.oneLine) }
        var widths = Array(repeating: 0, count: headers.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        let lines = cells.map { row -> String in
            var line = ""
            for (index, cell) in row.enumerated() where index < widths.count {
                if index == row.count - 1 || index == widths.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            return line
        }
        return lines.joined(separator: "\n")
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// `name  value` lines with the names aligned; a value of several lines continues under the
    /// first, indented to the value column.
    static func fields(_ pairs: [(String, String)]) -> String {
        let width = pairs.map(\.0.count).max() ?? 0
        let indent = String(repeating: " ", count: width + 2)
        return pairs.map { name, value in
            let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
            let padding = String(repeating: " ", count: width - name.count + 2)
            var text = name + padding + (lines.first.map(String.init) ?? "")
            for line in lines.dropFirst() { text += "\n" + indent + line }
            return text
        }.joined(separator: "\n")
    }
}

/// Text forms of API values in tables: text as is, null as `-`, lists joined by commas, objects as
/// `key=value` pairs.
enum Cell {
    static func text(_ value: JSON?) -> String {
        guard let value else { return "-" }
        switch value {
        case .null: return "-"
        case .string(let text): return text.isEmpty ? "-" : text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .array(let items): return items.isEmpty ? "-" : items.map { text($0) }.joined(separator: ", ")
        case .object(let members):
            if members.isEmpty { return "-" }
            return members.keys.sorted().map { "\($0)=\(text(members[$0]))" }.joined(separator: ", ")
        }
    }

    /// Returns the named members of an object as table cells, in order.
    static func row(_ object: JSON, _ keys: [String]) -> [String] {
        keys.map { key in
            var value: JSON? = object
            for part in key.split(separator: ".") { value = value?[String(part)] }
            return text(value)
        }
    }

    /// Formats the objects under `results` as a table with the given columns (`a.b` reads a nested member).
    static func table(_ reply: JSON, columns: [(header: String, key: String)]) -> String {
        var table = TextTable(columns.map(\.header))
        for item in reply["results"]?.arrayValue ?? [] { table.append(row(item, columns.map(\.key))) }
        return table.text
    }

    /// Formats the object's members as a field list, in the given order.
    static func fields(_ object: JSON, _ keys: [String]) -> String {
        TextTable.fields(keys.map { ($0, text(object[$0])) })
    }
}
