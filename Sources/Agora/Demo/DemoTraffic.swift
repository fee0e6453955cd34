import Foundation

/// Suricata EVE lines for the demo: ordinary DNS, TLS and HTTP traffic from the demo's VMs,
/// and the alerts and flow of one VM talking to a blocklisted address.
public struct DemoTraffic: Sendable {
    /// Addresses the generated feed lists; the infected VM contacts the first.
    public static let blocklisted = ["203.0.113.66", "198.51.100.23", "192.0.2.200"]
    /// Public addresses the ordinary traffic goes to (documentation ranges, not listed).
    static let benign = ["203.0.113.10", "203.0.113.11", "198.51.100.80", "198.51.100.53"]
    static let names = ["updates.example.com", "api.example.net", "cdn.example.org", "mirror.example.com"]

    private var flowID: UInt64 = 1_500_000_000_000_000
    private var port: Int = 40_000
    private let sources: [String]

    /// - Parameter sources: the VM addresses that send the ordinary traffic.
    public init(sources: [String]) { self.sources = sources }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ"
        return formatter.string(from: date)
    }

    private mutating func next() -> (flow: UInt64, port: Int) {
        flowID += 7919
        port = port >= 60_000 ? 40_000 : port + 1
        return (flowID, port)
    }

    /// One ordinary event: a DNS query, a TLS session or an HTTP request, chosen by `step`.
    public mutating func ordinary(step: Int, at date: Date = Date()) -> String {
        let (flow, port) = next()
        let source = sources[step % sources.count]
        let name = Self.names[step % Self.names.count]
        let time = Self.timestamp(date)
        switch step % 3 {
        case 0:
            return """
                {"timestamp":"\(time)","flow_id":\(flow),"event_type":"dns","src_ip":"\(source)","src_port":\(port),\
                "dest_ip":"198.51.100.53","dest_port":53,"proto":"UDP","dns":{"type":"query","id":\(step % 65536),\
                "rrname":"\(name)","rrtype":"A"}}
                """
        case 1:
            let destination = Self.benign[step % Self.benign.count]
            return """
                {"timestamp":"\(time)","flow_id":\(flow),"event_type":"tls","src_ip":"\(source)","src_port":\(port),\
                "dest_ip":"\(destination)","dest_port":443,"proto":"TCP","tls":{"sni":"\(name)","version":"TLS 1.3"}}
                """
        default:
            let destination = Self.benign[(step + 1) % Self.benign.count]
            return """
                {"timestamp":"\(time)","flow_id":\(flow),"event_type":"http","src_ip":"\(source)","src_port":\(port),\
                "dest_ip":"\(destination)","dest_port":80,"proto":"TCP","http":{"hostname":"\(name)",\
                "url":"/index.html","http_method":"GET","status":200}}
                """
        }
    }

    /// The infected VM's traffic: an alert on its connection to the blocklisted address, and the flow.
    public mutating func infection(from source: String, at date: Date = Date()) -> [String] {
        let (flow, port) = next()
        let time = Self.timestamp(date)
        let destination = Self.blocklisted[0]
        return [
            """
            {"timestamp":"\(time)","flow_id":\(flow),"event_type":"alert","src_ip":"\(source)","src_port":\(port),\
            "dest_ip":"\(destination)","dest_port":443,"proto":"TCP","direction":"to_server","alert":{"action":"allowed",\
            "gid":1,"signature_id":2024897,"rev":3,"signature":"ET MALWARE Known command and control host",\
            "category":"A Network Trojan was detected","severity":1},"app_proto":"tls"}
            """,
            """
            {"timestamp":"\(time)","flow_id":\(flow),"event_type":"flow","src_ip":"\(source)","src_port":\(port),\
            "dest_ip":"\(destination)","dest_port":443,"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":12,\
            "pkts_toclient":9,"bytes_toserver":2410,"bytes_toclient":5120,"start":"\(time)","end":"\(time)",\
            "state":"established","reason":"timeout","alerted":true}}
            """,
        ]
    }

    /// The feed file's text: one address a line, with a comment header, as plain feeds are.
    public static var feed: String {
        "# Agora demo feed: addresses of known command-and-control hosts\n" + blocklisted.joined(separator: "\n") + "\n"
    }
}
