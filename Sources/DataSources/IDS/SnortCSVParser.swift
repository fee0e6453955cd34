/// Parses one Snort 3 `alert_csv` line. Fields are separated by `, ` and a field in double quotes
/// may contain commas. The file has no header, so the field list comes from the configuration or,
/// when none is given, from the field count.
struct SnortCSVParser {
    var year: Int64
    var sensor: String
    var fields: [String]?

    /// Snort 3's default `alert_csv.fields`.
    static let defaultFields = [
        "timestamp", "pkt_num", "proto", "pkt_gen", "pkt_len", "dir", "src_ap", "dst_ap", "rule", "action",
    ]

    /// Every `alert_csv` field of Snort 3.0, in the order Snort writes them when all are enabled.
    static let allFields = [
        "action", "class", "b64_data", "dir", "dst_addr", "dst_ap", "dst_port", "eth_dst", "eth_len", "eth_src",
        "eth_type", "gid", "icmp_code", "icmp_id", "icmp_seq", "icmp_type", "iface", "ip_id", "ip_len", "msg",
        "mpls", "pkt_gen", "pkt_len", "pkt_num", "priority", "proto", "rev", "rule", "seconds", "service", "sid",
        "src_addr", "src_ap", "src_port", "target", "tcp_ack", "tcp_flags", "tcp_len", "tcp_seq", "tcp_win",
        "timestamp", "tos", "ttl", "udp_len", "vlan",
    ]

    func parse(_ line: String) -> LineResult {
        guard let values = Self.split(line) else { return .rejected("unterminated quoted field") }
        let names: [String]
        if let fields {
            names = fields
        } else if values.count == Self.defaultFields.count {
            names = Self.defaultFields
        } else if values.count == Self.allFields.count {
            names = Self.allFields
        } else {
            return .rejected(
                "\(values.count) fields; expected \(Self.defaultFields.count) (Snort's default alert_csv fields) "
                    + "or \(Self.allFields.count) (all fields), or configure the field list")
        }
        guard values.count == names.count else {
            return .rejected("\(values.count) fields; the configured alert_csv field list has \(names.count)")
        }
        var record: [String: String] = [:]
        for (name, value) in zip(names, values) where !value.isEmpty {
            record[name] = value
        }
        return SnortRecord(year: year, sensor: sensor).event(from: record)
    }

    /// Splits on commas outside double quotes and trims one leading space from each field.
    static func split(_ line: String) -> [String]? {
        var values: [String] = []
        var current = ""
        var quoted = false
        var atFieldStart = true
        for character in line {
            if atFieldStart && character == " " && !quoted {
                atFieldStart = false
                continue
            }
            atFieldStart = false
            if character == "\"" {
                quoted.toggle()
            } else if character == "," && !quoted {
                values.append(current)
                current = ""
                atFieldStart = true
            } else {
                current.append(character)
            }
        }
        guard !quoted else { return nil }
        values.append(current)
        return values
    }
}
