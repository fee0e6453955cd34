import Datalog

/// The tables the IDS driver publishes under the `ids` service, and how events become their rows.
///
/// Addresses are canonical text (RFC 5952 for IPv6), times are `Timestamp` text in UTC with
/// microseconds, protocols are upper case (`TCP`), and an absent value is the empty string in
/// every column, including the numeric ones.
public enum IDSTables {
    public static let service = "ids"

    public static let ipPacket = TableSchema(
        name: "ip_packet", columns: ["src_ip", "dst_ip"],
        description: "Hosts seen talking: the packet's source and destination of any IDS record that has both.")

    public static let alerts = TableSchema(
        name: "alerts",
        columns: [
            "sensor", "flow_id", "timestamp", "src_ip", "src_port", "dest_ip", "dest_port", "proto",
            "signature_id", "action", "gid", "rev", "signature", "category", "severity", "direction",
            "flow_src_ip", "flow_src_port", "flow_dest_ip", "flow_dest_port", "vlan", "app_proto", "event_type",
        ],
        description: """
            Rule matches (Suricata alert and drop, Snort alerts, Zeek notices and intel hits). src/dest are \
            the packet's; flow_src/flow_dest are the flow's, which differ for an alert on a reply packet. \
            flow_id is decimal text (Zeek: the uid); vlan lists the tags outermost first, comma-separated.
            """)

    public static let flows = TableSchema(
        name: "flows",
        columns: [
            "sensor", "flow_id", "timestamp", "src_ip", "src_port", "dest_ip", "dest_port", "proto", "app_proto",
            "state", "pkts_toserver", "pkts_toclient", "bytes_toserver", "bytes_toclient", "vlan",
        ],
        description: "Flow summaries (Suricata flow, Zeek conn); src is the side that opened the flow.")

    public static let all = [ipPacket, alerts, flows]

    /// The full `service:table` name of a schema.
    public static func qualifiedName(_ schema: TableSchema) -> String {
        "\(service):\(schema.name)"
    }

    /// The rows an event adds, as (qualified table name, row) pairs.
    public static func rows(for event: IDSEvent) -> [(table: String, row: Row)] {
        var rows: [(table: String, row: Row)] = []
        if let src = event.srcIP, let dest = event.destIP {
            rows.append(("ids:ip_packet", [.string(src), .string(dest)]))
        }
        switch event.kind {
        case .alert: rows.append(("ids:alerts", alertRow(event)))
        case .flow: rows.append(("ids:flows", flowRow(event)))
        case .other: break
        }
        return rows
    }

    static func alertRow(_ event: IDSEvent) -> Row {
        [
            .string(event.sensor), .string(event.flowID), text(event.time), text(event.srcIP), number(event.srcPort),
            text(event.destIP), number(event.destPort), .string(event.proto), number(event.signatureID),
            .string(event.action), number(event.gid), number(event.rev), .string(event.signature),
            .string(event.category), number(event.severity), .string(event.direction),
            text(event.flowSource?.ip), number(event.flowSource?.port), text(event.flowDestination?.ip),
            number(event.flowDestination?.port), .string(event.vlan), .string(event.appProto),
            .string(event.eventType),
        ]
    }

    static func flowRow(_ event: IDSEvent) -> Row {
        [
            .string(event.sensor), .string(event.flowID), text(event.time), text(event.srcIP), number(event.srcPort),
            text(event.destIP), number(event.destPort), .string(event.proto), .string(event.appProto),
            .string(event.state), number(event.packetsToServer), number(event.packetsToClient),
            number(event.bytesToServer), number(event.bytesToClient), .string(event.vlan),
        ]
    }

    private static func text(_ value: String?) -> Value {
        .string(value ?? "")
    }

    private static func text(_ value: Timestamp?) -> Value {
        .string(value?.description ?? "")
    }

    private static func number(_ value: Int64?) -> Value {
        value.map { .int($0) } ?? .string("")
    }
}
