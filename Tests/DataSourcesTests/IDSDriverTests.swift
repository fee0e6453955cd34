import Datalog
import Foundation
import Testing

@testable import DataSources

@Suite struct IDSDriverTests {
    static let alert = Array(
        #"{"event_type":"alert","src_ip":"192.0.2.10","dest_ip":"203.0.113.66","alert":{"signature_id":1}}"#.utf8)

    @Test func repeatsRefreshNotMultiply() {
        let clock = ManualTimeSource(Timestamp(seconds: 1_000))
        let driver = IDSDriver(
            retentionSeconds: 60, clock: clock, logger: Logger(label: "t", handler: NullLogHandler())
        ) { EVETranslator() }
        let first = driver.ingest(line: Self.alert[...], source: "s", lineNumber: 1)
        #expect(first.map(\.table) == ["ids:alerts", "ids:ip_packet"])
        #expect(first.allSatisfy { $0.inserted.count == 1 })

        clock.advance(seconds: 50)
        let repeated = driver.ingest(line: Self.alert[...], source: "s", lineNumber: 2)
        #expect(repeated.isEmpty)
        let packet: Row = [.string("192.0.2.10"), .string("203.0.113.66")]
        #expect(driver.retention.entry(table: "ids:ip_packet", row: packet)?.count == 2)

        clock.advance(seconds: 20)
        #expect(driver.expire().isEmpty)

        clock.advance(seconds: 40)
        let expired = driver.expire()
        #expect(expired.map(\.table) == ["ids:alerts", "ids:ip_packet"])
        #expect(expired.last?.deleted == [packet])
        #expect(driver.retention.rowCount == 0)
        #expect(driver.statistics.rowsExpired == 2)
    }

    @Test func defaultWindowIsFifteenMinutes() {
        let window = RetentionWindow()
        #expect(window.windowMicroseconds == 900 * 1_000_000)
    }

    @Test func rejectedLinesAreRateLimited() {
        let logs = RecordingLogHandler()
        let clock = ManualTimeSource(Timestamp(seconds: 0))
        let driver = IDSDriver(clock: clock, logger: Logger(label: "t", handler: logs)) { EVETranslator() }
        for number in 1...25 {
            _ = driver.ingest(line: Array("not json".utf8)[...], source: "eve.json", lineNumber: number)
        }
        #expect(driver.statistics.linesRejected == 25)
        #expect(logs.messages.count == 10)
        clock.advance(seconds: 61)
        _ = driver.ingest(line: Array("{".utf8)[...], source: "eve.json", lineNumber: 26)
        #expect(logs.messages.count == 11)
        #expect(logs.messages.last?.metadata["suppressed"] == "15")
        #expect(logs.messages.last?.metadata["line"] == "26")
    }

    @Test func unixSocketStream() throws {
        let folder = try makeTemporaryFolder()
        let path = folder.appendingPathComponent("eve.sock").path
        let driver = IDSDriver(clock: ManualTimeSource(), logger: Logger(label: "t", handler: NullLogHandler())) {
            EVETranslator()
        }
        let done = DispatchSemaphore(value: 0)
        let collected = Collected()
        let listener = UnixSocketListener(path: path, logger: Logger(label: "t", handler: NullLogHandler())) {
            line, source, number, complete in
            let deltas = driver.ingest(line: line, source: source, lineNumber: number, complete: complete)
            collected.add(deltas.flatMap(\.inserted).count, complete: complete)
            if !complete { done.signal() }
        }
        try listener.start()
        defer { listener.stop() }

        let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(connected == 0)
        let payload = Self.alert + [0x0A] + Array("garbage\n".utf8) + Self.alert.prefix(20)
        _ = payload.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        close(client)

        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(collected.rows == 2)
        #expect(collected.incomplete == 1)
        #expect(driver.statistics.linesRejected == 2)
    }

    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var rowCount = 0
        private var incompleteCount = 0
        var rows: Int { lock.withLock { rowCount } }
        var incomplete: Int { lock.withLock { incompleteCount } }

        func add(_ rows: Int, complete: Bool) {
            lock.withLock {
                rowCount += rows
                if !complete { incompleteCount += 1 }
            }
        }
    }
}
