import Datalog
import Foundation
import Testing

@testable import DataSources

@Suite struct FileFollowerTests {
    static let casePath = "cases/B08-eve-tailing-broken-and-rotated/"

    /// Feeds every line the follower reads into an IDS driver and records the alerts' flow ids.
    final class Harness {
        let folder: URL
        let eve: URL
        let store: any OffsetStore
        let logs = RecordingLogHandler()
        let driver: IDSDriver
        var follower: FileFollower
        var flowIDs: [String] = []

        init(store: (any OffsetStore)? = nil, folder: URL? = nil) throws {
            self.folder = try folder ?? makeTemporaryFolder()
            eve = self.folder.appendingPathComponent("eve.json")
            self.store = store ?? MemoryOffsetStore()
            let logger = Logger(label: "test", level: .debug, handler: logs)
            driver = IDSDriver(clock: ManualTimeSource(), logger: logger) { EVETranslator() }
            follower = FileFollower(path: eve.path, store: self.store, logger: logger)
        }

        func poll() throws {
            try follower.poll { [self] line, lineNumber, truncated in
                let deltas = driver.ingest(line: line, source: eve.path, lineNumber: lineNumber, complete: !truncated)
                for delta in deltas where delta.table == "ids:alerts" {
                    flowIDs += delta.inserted.map { $0[1].string ?? "" }
                }
            }
        }

        func step(_ name: String) throws -> Data {
            try Data(contentsOf: SharedData.url(FileFollowerTests.casePath + name))
        }
    }

    @Test func brokenTornAndRotated() throws {
        let harness = try Harness()
        try harness.step("step1-eve.json").write(to: harness.eve)
        try harness.poll()
        #expect(harness.flowIDs == ["5000000001", "5000000003"])
        #expect(harness.driver.statistics.linesRejected == 1)
        let rejection = harness.logs.messages.filter { $0.message == "rejected malformed line" }
        #expect(rejection.count == 1)
        #expect(rejection.first?.metadata["line"] == "2")
        #expect(rejection.first?.metadata["source"] == harness.eve.path)

        try appendBytes(harness.step("step2a-append-partial.txt"), to: harness.eve)
        try harness.poll()
        #expect(harness.flowIDs.count == 2)
        try appendBytes(harness.step("step2b-append-rest.txt"), to: harness.eve)
        try harness.poll()
        #expect(harness.flowIDs.last == "5000000004")

        let rotated = harness.folder.appendingPathComponent("eve.json.1")
        try FileManager.default.moveItem(at: harness.eve, to: rotated)
        try appendBytes(harness.step("step3a-append-to-renamed-file.txt"), to: rotated)
        try harness.step("step3b-new-eve.json").write(to: harness.eve)
        try harness.poll()
        try harness.poll()

        let copy = harness.folder.appendingPathComponent("eve.json.2")
        try FileManager.default.copyItem(at: harness.eve, to: copy)
        let handle = try FileHandle(forWritingTo: harness.eve)
        try handle.truncate(atOffset: 0)
        try handle.close()
        try appendBytes(harness.step("step4-after-truncate.txt"), to: harness.eve)
        try harness.poll()
        try harness.poll()

        #expect(
            harness.flowIDs == ["5000000001", "5000000003", "5000000004", "5000000005", "5000000006", "5000000007"])
        #expect(harness.driver.statistics.linesRejected == 1)
        let packets = harness.driver.retention.entry(
            table: "ids:ip_packet", row: [.string("192.0.2.10"), .string("203.0.113.66")])
        #expect(packets?.count == 6)
    }

    @Test func resumesAfterRestart() throws {
        let folder = try makeTemporaryFolder()
        let storeURL = folder.appendingPathComponent("offsets.json")
        let first = try Harness(store: try FileOffsetStore(url: storeURL), folder: folder)
        try first.step("step1-eve.json").write(to: first.eve)
        try appendBytes(first.step("step2a-append-partial.txt"), to: first.eve)
        try first.poll()
        #expect(first.flowIDs == ["5000000001", "5000000003"])

        // A new process: the torn line is completed while it is down.
        try appendBytes(first.step("step2b-append-rest.txt"), to: first.eve)
        let second = try Harness(store: try FileOffsetStore(url: storeURL), folder: folder)
        try second.poll()
        #expect(second.flowIDs == ["5000000004"])

        // Down again while the file is rotated: the renamed file's new line is still read.
        let rotated = folder.appendingPathComponent("eve.json.1")
        try FileManager.default.moveItem(at: first.eve, to: rotated)
        try appendBytes(first.step("step3a-append-to-renamed-file.txt"), to: rotated)
        try first.step("step3b-new-eve.json").write(to: first.eve)
        let third = try Harness(store: try FileOffsetStore(url: storeURL), folder: folder)
        try third.poll()
        try third.poll()
        #expect(third.flowIDs.sorted() == ["5000000005", "5000000006"])
    }

    @Test func cutsOverlongLines() throws {
        let harness = try Harness()
        harness.follower = FileFollower(
            path: harness.eve.path, store: MemoryOffsetStore(), maximumLineBytes: 100,
            logger: Logger(label: "test", handler: harness.logs))
        try harness.step("step1-eve.json").write(to: harness.eve)
        try harness.poll()
        #expect(harness.flowIDs.isEmpty)
        #expect(harness.driver.statistics.linesRejected == 3)
    }
}
