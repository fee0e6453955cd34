import Foundation

/// Parses one Snort `alert_fast` line:
/// `MM/DD-HH:MM:SS.ffffff [action] [**] [gid:sid:rev] "msg" [**] [Classification: c] [Priority: n] {PROTO} a:p -> b:q`.
/// The action and the bracketed groups after the message are optional; ports follow the address
/// only for protocols that have them.
struct SnortFastParser {
    var year: Int64
    var sensor: String

    func parse(_ line: String) -> LineResult {
        guard let firstSpace = line.firstIndex(of: " ") else { return .rejected("not an alert_fast line") }
        var record: [String: String] = ["timestamp": String(line[..<firstSpace])]
        var rest = line[line.index(after: firstSpace)...]

        // An action such as [drop] may come before the first [**].
        if rest.hasPrefix("["), !rest.hasPrefix("[**]"), let close = rest.firstIndex(of: "]") {
            record["action"] = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
        }
        guard rest.hasPrefix("[**] ["), let ruleEnd = rest.firstIndex(of: "]", after: 6) else {
            return .rejected("missing \"[**] [gid:sid:rev]\" after the timestamp")
        }
        record["rule"] = String(rest[rest.index(rest.startIndex, offsetBy: 6)..<ruleEnd])
        rest = rest[rest.index(after: ruleEnd)...].drop(while: { $0 == " " })

        guard rest.hasPrefix("\""), let messageEnd = rest.range(of: "\" [**]") else {
            return .rejected("missing the quoted message and its closing [**]")
        }
        record["msg"] = String(rest[rest.index(after: rest.startIndex)..<messageEnd.lowerBound])
        rest = rest[messageEnd.upperBound...].drop(while: { $0 == " " })

        while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let group = rest[rest.index(after: rest.startIndex)..<close]
            if let colon = group.firstIndex(of: ":") {
                let key = group[..<colon]
                let value = group[group.index(after: colon)...].trimmingLeadingSpaces()
                if key == "Classification" { record["class"] = String(value) }
                if key == "Priority" { record["priority"] = String(value) }
            }
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
        }

        guard rest.hasPrefix("{"), let protoEnd = rest.firstIndex(of: "}") else {
            return .rejected("missing {PROTO} before the addresses")
        }
        let proto = String(rest[rest.index(after: rest.startIndex)..<protoEnd])
        record["proto"] = proto
        let hosts = rest[rest.index(after: protoEnd)...].split(separator: " ")
        guard hosts.count == 3, hosts[1] == "->" else { return .rejected("addresses are not written \"a -> b\"") }

        let hasPort = ["TCP", "UDP", "SCTP"].contains(proto.uppercased())
        guard let source = splitAddressAndPort(hosts[0], hasPort: hasPort) else {
            return .rejected("source \"\(shorten(hosts[0]))\" is not a valid address")
        }
        guard let destination = splitAddressAndPort(hosts[2], hasPort: hasPort) else {
            return .rejected("destination \"\(shorten(hosts[2]))\" is not a valid address")
        }
        record["src_addr"] = source.ip
        record["dst_addr"] = destination.ip
        record["src_port"] = source.port.map(String.init)
        record["dst_port"] = destination.port.map(String.init)
        return SnortRecord(year: year, sensor: sensor).event(from: record)
    }
}

extension StringProtocol {
    func firstIndex(of character: Character, after offset: Int) -> Index? {
        guard count > offset else { return nil }
        return self[index(startIndex, offsetBy: offset)...].firstIndex(of: character)
    }

    func trimmingLeadingSpaces() -> SubSequence {
        self[...].drop(while: { $0 == " " })
    }
}
