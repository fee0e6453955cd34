import Foundation
import Testing

@testable import Store

@Suite struct OffsetRecordsTests {
    @Test(arguments: Backend.allCases) func offsetRoundTrip(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let offsets = OffsetRecords(database: database, clock: SteppingClock().function)

        let first = try offsets.set(input: "eve:/var/log/suricata/eve.json", fileIdentity: "2049:131", offset: 4096)
        #expect(try offsets.get(input: first.input) == first)

        let large = Int64(1) << 40
        let moved = try offsets.set(input: first.input, fileIdentity: "2049:177", offset: large)
        #expect(try offsets.get(input: first.input) == moved)
        #expect(moved.updatedAt > first.updatedAt)

        _ = try offsets.set(input: "a-first", fileIdentity: "1:1", offset: 0)
        #expect(try offsets.list().map(\.input) == ["a-first", first.input])

        #expect(try offsets.remove(input: "a-first"))
        #expect(try !offsets.remove(input: "a-first"))
        #expect(try offsets.get(input: "a-first") == nil)
    }
}
