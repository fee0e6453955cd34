/// Translates Suricata EVE JSON lines (one event a line) into `IDSEvent`s.
///
/// Every event type is read: `alert` and `drop` become alerts, `flow` a flow, and any other type
/// that names both addresses (dns, http, tls, smb, ...) still yields an `ip_packet` row. Types
/// without addresses (`stats`) are skipped. Unknown fields are ignored. A field whose value has the
/// wrong type or invalid UTF-8 costs that field and adds a warning. The line is rejected only when
/// it is not JSON, has no `event_type`, or names an address that is not a valid IP address.
public struct EVETranslator: IDSLineTranslator {
    /// The sensor name for events without a `host` field.
    public var defaultSensor: String

    public init(defaultSensor: String = "suricata") {
        self.defaultSensor = defaultSensor
    }

    public mutating func translate(line: ArraySlice<UInt8>) -> LineResult {
        let document: JSONDocument
        do {
            document = try JSONReader.parse(line)
        } catch {
            return .rejected(error.description)
        }
        return translate(document: document)
    }

    func translate(document: JSONDocument) -> LineResult {
        let root = document.value
        guard case .object = root else { return .rejected("an EVE line must be a JSON object") }
        guard let eventType = root["event_type"]?.stringValue, !eventType.isEmpty else {
            return .rejected("missing event_type")
        }
        var warnings = document.repairedStrings.map { "invalid UTF-8 in \($0), replaced with U+FFFD" }
        var fields = FieldReader(root: root)

        let kind: IDSEvent.Kind
        switch eventType {
        case "alert", "drop": kind = .alert
        case "flow": kind = .flow
        default: kind = .other
        }
        var event = IDSEvent(kind: kind, eventType: eventType)
        do {
            event.srcIP = try fields.address("src_ip")
            event.destIP = try fields.address("dest_ip")
        } catch {
            return .rejected(error.reason)
        }
        if kind == .other && (event.srcIP == nil || event.destIP == nil) {
            return .skipped(eventType)
        }

        event.sensor = fields.string("host") ?? defaultSensor
        event.flowID = fields.flowID("flow_id") ?? ""
        event.time = fields.timestamp("timestamp")
        event.srcPort = fields.port("src_port")
        event.destPort = fields.port("dest_port")
        event.proto = (fields.string("proto") ?? "").uppercased()
        event.appProto = fields.string("app_proto") ?? ""
        event.vlan = fields.vlan("vlan")
        event.direction = fields.string("direction") ?? ""

        switch kind {
        case .alert: readAlert(into: &event, fields: &fields)
        case .flow: readFlow(into: &event, fields: &fields)
        case .other: break
        }
        warnings += fields.warnings
        return .event(event, warnings: warnings)
    }

    private func readAlert(into event: inout IDSEvent, fields: inout FieldReader) {
        event.signatureID = fields.integer("alert.signature_id")
        event.gid = fields.integer("alert.gid")
        event.rev = fields.integer("alert.rev")
        event.signature = fields.string("alert.signature") ?? ""
        event.category = fields.string("alert.category") ?? ""
        event.severity = fields.integer("alert.severity")
        event.action = fields.string("alert.action") ?? (event.eventType == "drop" ? "blocked" : "")

        // Suricata 7 adds the flow's own endpoints to an alert under `flow`.
        if let ip = try? fields.address("flow.src_ip"), let destIP = try? fields.address("flow.dest_ip") {
            event.flowSource = IDSEvent.Endpoint(ip: ip, port: fields.port("flow.src_port"))
            event.flowDestination = IDSEvent.Endpoint(ip: destIP, port: fields.port("flow.dest_port"))
        }
        event.inferFlowEndpoints()
    }

    private func readFlow(into event: inout IDSEvent, fields: inout FieldReader) {
        event.state = fields.string("flow.state") ?? ""
        event.packetsToServer = fields.integer("flow.pkts_toserver")
        event.packetsToClient = fields.integer("flow.pkts_toclient")
        event.bytesToServer = fields.integer("flow.bytes_toserver")
        event.bytesToClient = fields.integer("flow.bytes_toclient")
    }
}
