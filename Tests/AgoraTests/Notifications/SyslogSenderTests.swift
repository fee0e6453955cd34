import Foundation
import OpenStack
import Store
import Testing

@testable import Agora

/// The syslog sender against a Unix datagram socket that the test binds at a temporary path,
/// standing in for `/dev/log`.
@Suite struct SyslogSenderTests {
    static func entry(kind: String = "incident.opened") throws -> OutboxEntry {
        let event = NotifierTests.incidentEvent(kind)
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try Store.open(directory.appendingPathComponent("agora.db").path)
        let outbox = try NotificationOutbox(database: database, perIncidentPerMinute: 0)
        try outbox.enqueue(sink: "syslog", dedupeKey: "k", event: event, incidentID: "incident-1", at: 0)
        return try #require(try outbox.entries().first)
    }

    @Test func datagramFormat() throws {
        let sender = SyslogSender(socketPath: "/unused")
        let entry = try Self.entry()
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let text = String(decoding: sender.datagram(entry, date: date, processID: 42), as: UTF8.self)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "MMM dd HH:mm:ss"
        // Facility auth (4) times 8 plus severity warning (4).
        #expect(text.hasPrefix("<36>\(formatter.string(from: date)) agora[42]: incident.opened "))
        #expect(text.contains("incident=incident-1"))
        #expect(text.contains("vm=vm-1"))
        #expect(text.contains("source_ip=10.10.1.11"))
        #expect(text.contains("delivery=\(entry.deliveryID)"))
    }

    @Test func noticeSeverityAndLengthLimit() throws {
        var sender = SyslogSender(socketPath: "/unused")
        sender.maxMessageBytes = 40
        let bytes = sender.datagram(try Self.entry(kind: "incident.resolved"), date: Date(), processID: 1)
        #expect(bytes.count <= 40)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("<37>"))
    }

    @Test func messageReachesSocket() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("log.sock").path
        let listener = try UnixDatagramListener(path: path)
        defer { listener.close() }

        let outcome = await SyslogSender(socketPath: path).send(try Self.entry())
        #expect(outcome == .delivered)
        let received = try #require(listener.receive())
        #expect(received.hasPrefix("<36>"))
        #expect(received.contains("agora["))
        #expect(received.contains("]: incident.opened delivery="))
        #expect(received.contains(" incident=incident-1 "))
    }

    @Test func missingSocketIsRetried() async throws {
        let outcome = await SyslogSender(socketPath: "/nonexistent/agora-test.sock").send(try Self.entry())
        guard case .retry(let message) = outcome else {
            Issue.record("expected a retry, got \(outcome)")
            return
        }
        #expect(message.contains("/nonexistent/agora-test.sock"))
    }

    /// Uses the system's `/dev/log` when the test machine has one.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/log")))
    func systemSocketAcceptsMessage() async throws {
        let outcome = await SyslogSender().send(try Self.entry())
        #expect(outcome == .delivered)
    }
}

/// A bound Unix datagram socket that reads one message at a time, with a receive timeout.
final class UnixDatagramListener {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram as text, or nil when none arrives within the timeout.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    func close() { Glibc.close(descriptor) }
}
