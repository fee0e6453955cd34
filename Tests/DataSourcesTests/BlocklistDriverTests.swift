import Datalog
import Foundation
import Testing

@testable import DataSources

@Suite struct BlocklistDriverTests {
    final class FeedState: @unchecked Sendable {
        let lock = NSLock()
        var body = "203.0.113.66\n198.51.100.0/24 ; SBL1\n"
        var version = 1
        var failing = false
    }

    @Test func httpRefreshWithETag() async throws {
        let state = FeedState()
        let server = LocalHTTPServer { headers in
            state.lock.withLock {
                if state.failing { return .init(status: 503, headers: [:], body: []) }
                let etag = "\"v\(state.version)\""
                if headers["if-none-match"] == etag { return .init(status: 304, headers: ["ETag": etag], body: []) }
                return .init(status: 200, headers: ["ETag": etag], body: Array(state.body.utf8))
            }
        }
        try server.start()
        defer { server.stop() }
        let url = URL(string: "http://127.0.0.1:\(server.port)/drop.txt")!
        let driver = BlocklistDriver(
            feeds: [.init(name: "drop", source: .url(url))], logger: Logger(label: "t", handler: NullLogHandler()))

        let first = await driver.refresh("drop")
        guard case .updated(let deltas) = first else {
            Issue.record("first refresh: \(first)")
            return
        }
        #expect(deltas.first { $0.table == "ids:ip_blacklist" }?.inserted == [[.string("203.0.113.66")]])
        #expect(deltas.first { $0.table == "blocklist:networks" }?.inserted.count == 2)

        #expect(await driver.refresh("drop") == .unchanged)
        #expect(server.receivedRequests.last?["if-none-match"] == "\"v1\"")

        state.lock.withLock {
            state.body = "198.51.100.0/24 ; SBL1\n"
            state.version = 2
        }
        let second = await driver.refresh("drop")
        #expect(
            second
                == .updated([
                    TableDelta(table: "ids:ip_blacklist", deleted: [[.string("203.0.113.66")]]),
                    TableDelta(
                        table: "blocklist:networks",
                        deleted: [[.string("203.0.113.66/32"), .string("drop"), .string("blocklist")]]),
                ]))

        state.lock.withLock { state.failing = true }
        guard case .failed(let reason) = await driver.refresh("drop") else {
            Issue.record("a 503 must fail the refresh")
            return
        }
        #expect(reason.contains("HTTP status 503"))
        #expect(await driver.store.rows(feed: "drop").count == 1)

        state.lock.withLock {
            state.failing = false
            state.body = "# nothing today\n"
            state.version = 3
        }
        guard case .failed(let emptyReason) = await driver.refresh("drop") else {
            Issue.record("an empty feed must be refused")
            return
        }
        #expect(emptyReason.hasPrefix("the feed has no entries"))
        #expect(await driver.store.rows(feed: "drop").count == 1)
    }

    @Test func fileRefreshDetectsChange() async throws {
        let folder = try makeTemporaryFolder()
        let path = folder.appendingPathComponent("tor.lst").path
        try "203.0.113.9\n".write(toFile: path, atomically: true, encoding: .utf8)
        let driver = BlocklistDriver(
            feeds: [.init(name: "tor", source: .file(path), category: "tor exit")],
            logger: Logger(label: "t", handler: NullLogHandler()))
        let deltas = await driver.refreshAll()
        #expect(
            deltas.first { $0.table == "blocklist:networks" }?.inserted == [
                [.string("203.0.113.9/32"), .string("tor"), .string("tor exit")]
            ])
        #expect(await driver.refresh("tor") == .unchanged)
        #expect(await driver.refresh("missing") == .failed("no feed named missing is configured"))
    }
}
