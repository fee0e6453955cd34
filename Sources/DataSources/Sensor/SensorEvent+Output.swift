import Datalog

extension SensorEvent {
    /// The sensor name written as EVE `host` and into the `sensor` column.
    public static let sensorName = "agora-sensor"
    /// The signature ID of blocklist alerts, in the range Suricata leaves for local rules.
    public static let blocklistSignatureID: Int64 = 9_000_001

    /// The event as an `IDSEvent`, as Agora's EVE translator would read the `eveLine()` back.
    public var idsEvent: IDSEvent {
        var event = IDSEvent(kind: kind == .alert ? .alert : .flow, eventType: kind.rawValue)
        event.sensor = Self.sensorName
        event.flowID = String(flowID)
        event.time = time
        event.srcIP = packet.source.description
        event.destIP = packet.destination.description
        if packet.hasPorts {
            event.srcPort = Int64(packet.sourcePort)
            event.destPort = Int64(packet.destinationPort)
        }
        event.proto = packet.protocolName.uppercased()
        event.vlan = packet.vlanIDs.map(String.init).joined(separator: ",")
        switch kind {
        case .alert:
            event.signatureID = Self.blocklistSignatureID
            event.gid = 1
            event.rev = 1
            event.signature = signature
            event.category = match?.category ?? ""
            event.severity = 2
            event.action = "allowed"
        case .flow:
            event.state = "new"
        }
        return event
    }

    private var signature: String {
        guard let match else { return "" }
        return "Agora blocklist: destination in \(match.network) listed by \(match.feed)"
    }

    /// Formats the event as one EVE JSON line, without the newline, in the shape Suricata writes: `timestamp`,
    /// `flow_id`, `event_type`, the 5-tuple, `vlan` as a list, and an `alert` or `flow` object.
    public func eveLine() -> String {
        var json = "{\"timestamp\":\"\(Self.eveTime(time))\",\"flow_id\":\(flowID)"
        json += ",\"event_type\":\"\(kind.rawValue)\""
        if packet.vlanCount > 0 {
            json += ",\"vlan\":[\(packet.vlanIDs.map(String.init).joined(separator: ","))]"
        }
        json += ",\"src_ip\":\"\(packet.source)\""
        if packet.hasPorts { json += ",\"src_port\":\(packet.sourcePort)" }
        json += ",\"dest_ip\":\"\(packet.destination)\""
        if packet.hasPorts { json += ",\"dest_port\":\(packet.destinationPort)" }
        if packet.hasICMPHeader { json += ",\"icmp_type\":\(packet.icmpType),\"icmp_code\":\(packet.icmpCode)" }
        json += ",\"proto\":\"\(packet.protocolName)\",\"host\":\"\(Self.sensorName)\""
        switch kind {
        case .alert:
            json += ",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":\(Self.blocklistSignatureID)"
            json += ",\"rev\":1,\"signature\":\(jsonString(signature))"
            json += ",\"category\":\(jsonString(match?.category ?? "")),\"severity\":2}"
        case .flow:
            json += ",\"flow\":{\"state\":\"new\"}"
        }
        return json + "}"
    }

    /// Returns the facts the event adds, one `table(value, ...)` a line, as `agora translate` prints them.
    public func facts() -> [String] {
        IDSTables.rows(for: idsEvent).map { table, row in
            "\(table)(\(row.map(\.description).joined(separator: ", ")))"
        }
    }

    /// Suricata's timestamp form: microseconds and a `+0000` offset.
    static func eveTime(_ time: Timestamp) -> String {
        var text = time.description
        if text.hasSuffix("Z") { text.removeLast() }
        return text + "+0000"
    }
}

/// Quotes `text` as a JSON string, escaping quotes, backslashes and control characters.
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}
