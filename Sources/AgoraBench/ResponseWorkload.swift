import Agora
import Enforcement
import Foundation

/// The inputs of `agora-bench response`: a simulated cloud with one address per VM, the EVE
/// lines of the background feed, and the alert line that flags one VM.
struct ResponseWorkload {
    /// The blocklisted address every incident contacts; the feed lists it and nothing the feed
    /// sends reaches it.
    static let blocklisted = "192.0.2.200"

    let cloud: SimulatedCloud
    /// Addresses of the VMs the incidents flag, in the order they are triggered.
    let infected: [String]
    /// Addresses of every other VM; the background feed comes from these.
    let bystanders: [String]

    /// Builds `servers` VMs in projects of 1,000 and /24 networks of 250, and picks `incidents`
    /// of them, spread evenly, to flag.
    init(servers: Int, incidents: Int) {
        cloud = SimulatedCloud()
        var addresses: [String] = []
        for index in 0..<servers {
            let network = index / 250
            let address = "10.\(64 + network / 256).\(network % 256).\(3 + index % 250)"
            cloud.addServer(
                name: "vm-\(index)", project: "project-\(index / 1000)", network: "net-\(network)", address: address)
            addresses.append(address)
        }
        let stride = max(servers / max(incidents, 1), 1)
        let chosen = Set((0..<min(incidents, servers)).map { $0 * stride })
        infected = chosen.sorted().map { addresses[$0] }
        bystanders = addresses.indices.filter { !chosen.contains($0) }.map { addresses[$0] }
    }

    /// The feed file's text: the incidents' address and `extra` more from 198.18.0.0/15, which
    /// no VM here sends to.
    static func feed(extra: Int) -> String {
        var lines = ["# agora-bench response feed", blocklisted]
        for index in 0..<extra { lines.append("198.\(18 + (index >> 16)).\((index >> 8) & 255).\(index & 255)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `count` ordinary EVE lines (DNS, TLS and HTTP events) from random bystanders to random
    /// addresses of 203.0.113.0/24 and 198.51.100.0/24, which the feed does not list. Returns the
    /// lines as one buffer and the range of each line in it.
    func backgroundLines(count: Int) -> (bytes: [UInt8], lines: [Range<Int>], distinctPairs: Int) {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 260)
        var lines: [Range<Int>] = []
        lines.reserveCapacity(count)
        var pairs = Set<String>()
        let time = "2026-12-04T16:00:00.000000+0000"
        for step in 0..<count {
            let source = bystanders[Int.random(in: 0..<bystanders.count, using: &generator)]
            let host = Int.random(in: 0..<512, using: &generator)
            let destination = host < 256 ? "203.0.113.\(host)" : "198.51.100.\(host - 256)"
            pairs.insert(source + " " + destination)
            let flow = 1_600_000_000_000_000 + step * 7919
            let port = 40_000 + step % 20_000
            let line: String
            switch step % 3 {
            case 0:
                line = """
                    {"timestamp":"\(time)","flow_id":\(flow),"event_type":"dns","src_ip":"\(source)",\
                    "src_port":\(port),"dest_ip":"\(destination)","dest_port":53,"proto":"UDP",\
                    "dns":{"type":"query","id":\(step % 65536),"rrname":"updates.example.com","rrtype":"A"}}
                    """
            case 1:
                line = """
                    {"timestamp":"\(time)","flow_id":\(flow),"event_type":"tls","src_ip":"\(source)",\
                    "src_port":\(port),"dest_ip":"\(destination)","dest_port":443,"proto":"TCP",\
                    "tls":{"sni":"api.example.net","version":"TLS 1.3"}}
                    """
            default:
                line = """
                    {"timestamp":"\(time)","flow_id":\(flow),"event_type":"http","src_ip":"\(source)",\
                    "src_port":\(port),"dest_ip":"\(destination)","dest_port":80,"proto":"TCP",\
                    "http":{"hostname":"cdn.example.org","url":"/index.html","http_method":"GET","status":200}}
                    """
            }
            let start = bytes.count
            bytes += line.utf8
            lines.append(start..<bytes.count)
        }
        return (bytes, lines, pairs.count)
    }

    /// The alert line of `address` contacting the blocklisted address, stamped with the current time.
    static func alertLine(from address: String, flow: Int) -> [UInt8] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let line = """
            {"timestamp":"\(formatter.string(from: Date()))","flow_id":\(flow),"event_type":"alert",\
            "src_ip":"\(address)","src_port":51000,"dest_ip":"\(blocklisted)","dest_port":443,"proto":"TCP",\
            "direction":"to_server","alert":{"action":"allowed","gid":1,"signature_id":2024897,"rev":3,\
            "signature":"ET MALWARE Known command and control host","category":"A Network Trojan was detected",\
            "severity":1},"app_proto":"tls"}
            """
        return Array(line.utf8)
    }
}

/// Wraps a backend and records, per target address, the moment each `apply` begins and ends,
/// then passes every call on unchanged.
final class TimingBackend: ActionBackend, @unchecked Sendable {
    let inner: any ActionBackend
    var name: String { inner.name }
    private let condition = NSCondition()
    private var started: [String: UInt64] = [:]
    private var finished: Set<String> = []

    init(_ inner: any ActionBackend) { self.inner = inner }

    func supports(_ response: ResponseKind) -> Bool { inner.supports(response) }

    func apply(_ response: ResponseKind, to target: ActionTarget, reason: String) async -> BackendResult {
        let now = DispatchTime.now().uptimeNanoseconds
        let key = target.address ?? target.vmID ?? ""
        condition.withLock {
            started[key] = started[key] ?? now
            condition.broadcast()
        }
        let result = await inner.apply(response, to: target, reason: reason)
        condition.withLock {
            finished.insert(key)
            condition.broadcast()
        }
        return result
    }

    func verify(_ changes: [AppliedChange]) async -> BackendResult { await inner.verify(changes) }

    func release(_ changes: [AppliedChange]) async -> BackendResult { await inner.release(changes) }

    /// Waits up to `timeout` seconds for the apply of `address` to begin and end; returns the
    /// uptime in nanoseconds at which it began, or nil when it did not begin in time.
    func waitForApply(of address: String, timeout: Double) -> UInt64? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !finished.contains(address) {
            if !condition.wait(until: deadline) { break }
        }
        return started[address]
    }
}
