/// Translates Snort 3 alert output into alert events: `alert_json`, `alert_fast` and `alert_csv`.
///
/// Each line is recognised on its own (a JSON object, a line with `[**]`, or comma-separated
/// fields), so one file may mix them. Snort writes `MM/DD-HH:MM:SS.ffffff` without a year unless
/// run with `-y`; the year comes from `year`, and `alert_json`'s `seconds` field wins when present.
/// NOTE: Snort writes local time unless run with `-U`; times without `seconds` are read as UTC.
public struct SnortTranslator: IDSLineTranslator {
    public var defaultSensor: String
    public var year: Int64
    /// The `alert_csv` field names in order; nil picks Snort's default ten fields or its full list
    /// by the number of fields in each line.
    public var csvFields: [String]?

    public init(defaultSensor: String = "snort", year: Int64, csvFields: [String]? = nil) {
        self.defaultSensor = defaultSensor
        self.year = year
        self.csvFields = csvFields
    }

    public mutating func translate(line: ArraySlice<UInt8>) -> LineResult {
        let first = line.first(where: { $0 != 0x20 && $0 != 0x09 })
        if first == UInt8(ascii: "{") {
            return translateJSON(line)
        }
        let text = String(decoding: line, as: UTF8.self)
        if text.contains("[**]") {
            return SnortFastParser(year: year, sensor: defaultSensor).parse(text)
        }
        return SnortCSVParser(year: year, sensor: defaultSensor, fields: csvFields).parse(text)
    }

    func translateJSON(_ line: ArraySlice<UInt8>) -> LineResult {
        let document: JSONDocument
        do {
            document = try JSONReader.parse(line)
        } catch {
            return .rejected(error.description)
        }
        guard case .object(let object) = document.value else {
            return .rejected("an alert_json line must be an object")
        }
        var record: [String: String] = [:]
        for member in object.members {
            switch member.value {
            case .string(let text): record[member.key] = text
            case .number(let number): record[member.key] = number.text
            default: break
            }
        }
        var result = SnortRecord(year: year, sensor: defaultSensor).event(from: record)
        result.warnings += document.repairedStrings.map { "invalid UTF-8 in \($0), replaced with U+FFFD" }
        return result
    }
}

/// Builds an alert event from Snort's named fields, the names `alert_json` and `alert_csv` share.
struct SnortRecord {
    var year: Int64
    var sensor: String

    func event(from record: [String: String]) -> LineResult {
        var event = IDSEvent(kind: .alert, eventType: "alert")
        var warnings: [String] = []
        event.sensor = sensor
        event.proto = (record["proto"] ?? "").uppercased()

        let source = endpoint(record, address: "src_addr", port: "src_port", combined: "src_ap")
        let destination = endpoint(record, address: "dst_addr", port: "dst_port", combined: "dst_ap")
        guard case .success(let src) = source else { return .rejected(source.failureReason) }
        guard case .success(let dest) = destination else { return .rejected(destination.failureReason) }
        event.srcIP = src?.ip
        event.srcPort = src?.port
        event.destIP = dest?.ip
        event.destPort = dest?.port

        if let rule = record["rule"], !rule.isEmpty {
            let parts = rule.split(separator: ":").map { Int64($0) }
            if parts.count == 3, parts.allSatisfy({ $0 != nil }) {
                event.gid = parts[0]
                event.signatureID = parts[1]
                event.rev = parts[2]
            } else {
                warnings.append("rule \"\(shorten(rule))\" is not gid:sid:rev, ignored")
            }
        }
        event.gid = event.gid ?? record["gid"].flatMap { Int64($0) }
        event.signatureID = event.signatureID ?? record["sid"].flatMap { Int64($0) }
        event.rev = event.rev ?? record["rev"].flatMap { Int64($0) }
        event.signature = record["msg"] ?? ""
        event.category = record["class"] ?? ""
        event.severity = record["priority"].flatMap { Int64($0) }
        event.action = record["action"] ?? ""
        event.direction = record["dir"] ?? ""
        event.appProto = record["service"] ?? ""
        event.vlan = record["vlan"] ?? ""
        event.inferFlowEndpoints()

        if let seconds = record["seconds"].flatMap({ Int64($0) }) {
            let fraction = record["timestamp"].flatMap { parseSnortTime($0, year: 2000)?.microseconds }
            event.time = Timestamp(seconds: seconds, microseconds: fraction.map { $0 % 1_000_000 } ?? 0)
        } else if let text = record["timestamp"], !text.isEmpty {
            event.time = parseSnortTime(text, year: year)
            if event.time == nil { warnings.append("timestamp \"\(shorten(text))\" is not MM/DD-HH:MM:SS, ignored") }
        }
        return .event(event, warnings: warnings)
    }

    /// Reads an endpoint from separate address and port fields, or from the combined `addr:port` one.
    private func endpoint(_ record: [String: String], address: String, port: String, combined: String)
        -> EndpointResult
    {
        if let text = record[address], !text.isEmpty {
            guard let ip = canonicalAddress(text) else {
                return .failure("\(address) is not a valid IP address: \"\(shorten(text))\"")
            }
            return .success(IDSEvent.Endpoint(ip: ip, port: record[port].flatMap { Int64($0) }))
        }
        if let text = record[combined], !text.isEmpty {
            guard let split = splitAddressAndPort(text, hasPort: true) else {
                return .failure("\(combined) is not a valid address:port: \"\(shorten(text))\"")
            }
            return .success(split)
        }
        return .success(nil)
    }
}

enum EndpointResult {
    case success(IDSEvent.Endpoint?)
    case failure(String)

    var failureReason: String {
        if case .failure(let reason) = self { return reason }
        return ""
    }
}

/// Parses Snort's `MM/DD-HH:MM:SS.ffffff`, or `YY/MM/DD-...` as written with `-y`.
func parseSnortTime(_ text: String, year: Int64) -> Timestamp? {
    let parts = text.split(separator: "-", maxSplits: 1)
    guard parts.count == 2 else { return nil }
    let date = parts[0].split(separator: "/").map { Int64($0) }
    guard date.count == 2 || date.count == 3, date.allSatisfy({ $0 != nil }) else { return nil }
    let fullYear = date.count == 3 ? 2000 + date[0]! : year
    let month = date[date.count - 2]!
    let day = date[date.count - 1]!
    var scanner = DigitScanner(Array(parts[1].utf8))
    guard let hour = scanner.number(digits: 2), scanner.skip(":"), let minute = scanner.number(digits: 2),
        scanner.skip(":"), let second = scanner.number(digits: 2)
    else { return nil }
    let microsecond = scanner.skip(".") ? scanner.fractionMicroseconds() : 0
    guard let microsecond, scanner.atEnd else { return nil }
    return Timestamp.utc(
        year: fullYear, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: microsecond)
}

/// Splits `address:port`, `[address]:port` or a bare address. An IPv6 address is ambiguous with a
/// port appended (`2001:db8::1:80`), so the last group is read as a port only when `hasPort` states
/// the writer always adds one, or when the text has eight colons and cannot be a bare address.
func splitAddressAndPort(_ text: some StringProtocol, hasPort: Bool) -> IDSEvent.Endpoint? {
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
        guard let ip = canonicalAddress(text[text.index(after: text.startIndex)..<close]) else { return nil }
        let rest = text[text.index(after: close)...]
        if rest.isEmpty { return IDSEvent.Endpoint(ip: ip, port: nil) }
        guard rest.hasPrefix(":"), let port = Int64(rest.dropFirst()), (0...65535).contains(port) else { return nil }
        return IDSEvent.Endpoint(ip: ip, port: port)
    }
    let colons = text.reduce(0) { $0 + ($1 == ":" ? 1 : 0) }
    let splitPort = colons == 1 || colons == 8 || (colons > 1 && hasPort)
    if !splitPort || colons == 0 {
        guard !hasPort || colons == 0, let ip = canonicalAddress(text) else { return nil }
        return IDSEvent.Endpoint(ip: ip, port: nil)
    }
    guard let colon = text.lastIndex(of: ":"), let ip = canonicalAddress(text[..<colon]),
        let port = Int64(text[text.index(after: colon)...]), (0...65535).contains(port)
    else { return nil }
    return IDSEvent.Endpoint(ip: ip, port: port)
}
