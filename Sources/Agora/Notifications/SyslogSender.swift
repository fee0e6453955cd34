import Foundation
import OpenStack

/// Writes one line per notification to the local syslog socket, facility `auth`.
///
/// It sends datagrams to the Unix socket itself, in the format the C library's `syslog(3)`
/// sends to `/dev/log` (`<PRI>Mmm dd hh:mm:ss agora[PID]: message`, the local form of RFC 3164),
/// which rsyslog, syslog-ng and journald all read. Writing the socket directly, in place of
/// calling `vsyslog`, lets tests point it at a socket of their own.
public struct SyslogSender: NotificationSender {
    public let sink = "syslog"
    /// The Unix datagram socket of the local syslog daemon.
    public let socketPath: String
    public var tag = "agora"
    /// Maximum datagram size in bytes. Longer messages are cut, because some daemons drop datagrams over 2 KiB.
    public var maxMessageBytes = 1024

    /// The `auth` facility's code (RFC 5424 table 1).
    static let authFacility = 4

    public init(socketPath: String = "/dev/log") {
        self.socketPath = socketPath
    }

    /// Severity 4 (warning) for events that need an operator, 5 (notice) for the rest.
    static func severity(_ kind: String) -> Int {
        let warnings: Set<String> = [
            "incident.opened", "action.failed", "action.escalated", "action.release_failed", "action.held",
            "action.mass_held", "evidence.unattributed", OutboxEntry.summaryKind,
        ]
        return warnings.contains(kind) ? 4 : 5
    }

    /// Builds the datagram for an entry, with `date` and `processID` in its header.
    public func datagram(_ entry: OutboxEntry, date: Date, processID: Int32) -> [UInt8] {
        let priority = Self.authFacility * 8 + Self.severity(entry.eventKind)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "MMM dd HH:mm:ss"
        let message = "<\(priority)>\(formatter.string(from: date)) \(tag)[\(processID)]: " + Self.message(entry)
        let bytes = Array(message.utf8)
        guard bytes.count > maxMessageBytes else { return bytes }

        // Cut at a character boundary: UTF-8 continuation bytes start with the bits 10.
        var cut = maxMessageBytes
        while cut > 0 && bytes[cut] & 0xc0 == 0x80 { cut -= 1 }
        return Array(bytes[..<cut])
    }

    /// Builds the message text: the kind and the fields an operator searches for, as `key=value` pairs.
    static func message(_ entry: OutboxEntry) -> String {
        let event = (try? JSON.parse(Data(entry.payload.utf8), source: "outbox row \(entry.id)")) ?? .null
        let payload = event["payload"] ?? event
        var fields = ["delivery=\(entry.deliveryID)"]
        if let incident = entry.incidentID { fields.append("incident=\(incident)") }
        let picks: [(String, JSON?)] = [
            ("action", entry.eventKind.hasPrefix("action.") ? payload["id"] : nil),
            ("vm", payload["vm_id"] ?? payload["target"]?["vm_id"]), ("vm_name", payload["vm_name"]),
            ("source_ip", payload["source_ip"] ?? payload["target"]?["address"]), ("state", payload["state"]),
            ("response", payload["response"]), ("count", payload["count"]), ("reason", payload["reason"]),
        ]
        for (name, value) in picks {
            guard let value, !value.isNull else { continue }
            let text = value.stringValue ?? value.text
            fields.append(text.contains(" ") ? "\(name)=\"\(text)\"" : "\(name)=\(text)")
        }
        return entry.eventKind + " " + fields.joined(separator: " ")
    }

    public func send(_ entry: OutboxEntry) async -> DeliveryOutcome {
        let bytes = datagram(entry, date: Date(), processID: getpid())
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return .retry("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return .failed("syslog socket path is too long: \(socketPath)") }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.enumerated() { buffer[index] = byte }
            buffer[path.count] = 0
        }
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(
                        descriptor, buffer.baseAddress, buffer.count, 0, socketAddress,
                        socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
        guard sent == bytes.count else {
            return .retry("sending to syslog socket \(socketPath) failed: \(String(cString: strerror(errno)))")
        }
        return .delivered
    }
}
