import Foundation

/// Translates Zeek logs, TSV or JSON lines, into IDS events.
///
/// `conn` records become flows (originator as source), `notice` and `intel` records become alerts
/// (signature = the message or indicator, category = the note or indicator type), and any other
/// log with `id.orig_h`/`id.resp_h` (dns, http, ssl, ...) yields only an `ip_packet` row.
public struct ZeekTranslator: IDSLineTranslator {
    public var defaultSensor: String
    var tsv = ZeekTSVReader()

    public init(defaultSensor: String = "zeek") {
        self.defaultSensor = defaultSensor
    }

    public mutating func translate(line: ArraySlice<UInt8>) -> LineResult {
        if line.first == UInt8(ascii: "{") {
            return translateJSON(line)
        }
        let text = String(decoding: line, as: UTF8.self)
        switch tsv.read(text) {
        case .directive:
            return .skipped("header")
        case .rejected(let reason):
            return .rejected(reason)
        case .record(let record):
            return translate(record: record, setSeparator: tsv.setSeparator)
        }
    }

    func translateJSON(_ line: ArraySlice<UInt8>) -> LineResult {
        let document: JSONDocument
        do {
            document = try JSONReader.parse(line)
        } catch {
            return .rejected(error.description)
        }
        guard let object = document.value.objectValue else { return .rejected("a Zeek JSON line must be an object") }
        var fields: [String: ZeekField] = [:]
        for member in object.members {
            switch member.value {
            case .null: fields[member.key] = .unset
            case .string(let text): fields[member.key] = .value(text)
            case .number(let number): fields[member.key] = .value(number.text)
            case .bool(let flag): fields[member.key] = .value(flag ? "T" : "F")
            case .array(let items):
                let texts = items.compactMap { $0.stringValue ?? $0.numberValue?.text }
                fields[member.key] = texts.isEmpty ? .empty : .value(texts.joined(separator: "\u{1F}"))
            case .object: break
            }
        }
        let path = fields["_path"]?.text ?? tsv.path
        var result = translate(record: ZeekRecord(path: path, fields: fields), setSeparator: "\u{1F}")
        result.warnings += document.repairedStrings.map { "invalid UTF-8 in \($0), replaced with U+FFFD" }
        return result
    }

    func translate(record: ZeekRecord, setSeparator: String) -> LineResult {
        var warnings: [String] = []
        let kind: IDSEvent.Kind
        switch record.path {
        case "conn": kind = .flow
        case "notice", "intel": kind = .alert
        default: kind = .other
        }
        var event = IDSEvent(kind: kind, eventType: record.path.isEmpty ? "zeek" : record.path)
        event.sensor = record["_system_name"]?.text ?? record["peer_descr"]?.text ?? defaultSensor
        event.flowID = record["uid"]?.text ?? ""
        event.proto = (record["proto"]?.text ?? "").uppercased()

        var originator = "id.orig_h"
        var responder = "id.resp_h"
        if record["id.orig_h"]?.text == nil && record["src"]?.text != nil {
            originator = "src"
            responder = "dst"
        }
        for (name, keyPath) in [("source", originator), ("destination", responder)] {
            guard let text = record[keyPath]?.text else { continue }
            guard let ip = canonicalAddress(text) else {
                return .rejected("\(keyPath) is not a valid IP address: \"\(shorten(text))\"")
            }
            if name == "source" { event.srcIP = ip } else { event.destIP = ip }
        }
        if kind == .other && (event.srcIP == nil || event.destIP == nil) {
            return .skipped(event.eventType)
        }
        event.srcPort = port(record, originator == "src" ? "" : "id.orig_p", &warnings)
        event.destPort = port(record, originator == "src" ? "p" : "id.resp_p", &warnings)

        if let text = record["ts"]?.text {
            event.time = Timestamp.parseEpochSeconds(text) ?? Timestamp.parseISO8601(text)
            if event.time == nil { warnings.append("ts \"\(shorten(text))\" is not a time, ignored") }
        }
        let services = record["service"]?.text?.components(separatedBy: setSeparator) ?? []
        event.appProto = services.joined(separator: ",")
        let vlans = ["vlan", "inner_vlan"].compactMap { record[$0]?.text }
        event.vlan = vlans.joined(separator: ",")

        switch record.path {
        case "conn":
            event.state = record["conn_state"]?.text ?? ""
            event.packetsToServer = count(record, "orig_pkts", &warnings)
            event.packetsToClient = count(record, "resp_pkts", &warnings)
            event.bytesToServer = count(record, "orig_bytes", &warnings)
            event.bytesToClient = count(record, "resp_bytes", &warnings)
        case "notice":
            event.signature = record["msg"]?.text ?? ""
            event.category = record["note"]?.text ?? ""
            event.action = (record["actions"]?.text ?? "").replacingOccurrences(of: setSeparator, with: ",")
        case "intel":
            event.signature = record["seen.indicator"]?.text ?? ""
            event.category = record["seen.indicator_type"]?.text ?? ""
            event.direction = record["seen.where"]?.text ?? ""
        default:
            break
        }
        return .event(event, warnings: warnings)
    }

    private func port(_ record: ZeekRecord, _ name: String, _ warnings: inout [String]) -> Int64? {
        guard let text = record[name]?.text else { return nil }
        guard let value = Int64(text), (0...65535).contains(value) else {
            warnings.append("\(name) \"\(shorten(text))\" is not a port number, ignored")
            return nil
        }
        return value
    }

    private func count(_ record: ZeekRecord, _ name: String, _ warnings: inout [String]) -> Int64? {
        guard let text = record[name]?.text else { return nil }
        guard let value = Int64(text) else {
            warnings.append("\(name) \"\(shorten(text))\" is not a count, ignored")
            return nil
        }
        return value
    }
}
