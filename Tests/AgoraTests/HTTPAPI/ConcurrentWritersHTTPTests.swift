import Foundation
import OpenStack
import Testing

/// Many clients writing at once over separate connections to one `agora serve`.
@Suite("HTTP API: concurrent writers")
struct ConcurrentWritersHTTPTests {
    static let writers = 16

    @Test("parallel rule inserts all land once")
    func parallelRules() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "busy"]).status == 201)

        let results = try await withThrowingTaskGroup(of: (Int, HTTPResult).self) { group in
            for index in 0..<Self.writers {
                group.addTask {
                    let rule = "seen(x, \(index)) :- nova:servers(id=x)"
                    return (index, try await client.post("/v1/policies/busy/rules", ["rule": .string(rule)]))
                }
            }
            var collected: [(Int, HTTPResult)] = []
            for try await item in group { collected.append(item) }
            return collected
        }
        #expect(results.count == Self.writers)
        for (index, result) in results {
            #expect(result.status == 201, "writer \(index): \(result.text)")
        }
        let returnedIDs = results.compactMap { $0.1.json["id"]?.stringValue }
        #expect(Set(returnedIDs).count == Self.writers)

        let listed = try await client.get("/v1/policies/busy/rules").results
        #expect(listed.count == Self.writers)
        #expect(Set(listed.compactMap { $0["id"]?.stringValue }) == Set(returnedIDs))
        let texts = listed.compactMap { $0["rule"]?.stringValue }
        #expect(Set(texts).count == Self.writers)

        // Every rule reached the engine: each of the six servers appears once per writer.
        let rows = try await client.get("/v1/policies/busy/tables/seen/rows").results
        #expect(rows.count == 6 * Self.writers)
    }

    @Test("parallel identical inserts keep one")
    func parallelDuplicates() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        #expect(try await client.post("/v1/policies", ["name": "busy"]).status == 201)

        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<Self.writers {
                group.addTask { try await client.post("/v1/policies/busy/rules", ["rule": "same(1)"]).status }
            }
            var collected: [Int] = []
            for try await status in group { collected.append(status) }
            return collected
        }
        #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == Self.writers - 1, "\(statuses)")
        #expect(try await client.get("/v1/policies/busy/rules").results.count == 1)
    }

    @Test("parallel policy creates with one name")
    func parallelPolicies() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)

        let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for index in 0..<Self.writers {
                group.addTask {
                    try await client.post(
                        "/v1/policies", ["name": "contested", "description": .string("writer \(index)")])
                }
            }
            var collected: [HTTPResult] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        let statuses = results.map(\.status)
        #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == Self.writers - 1, "\(statuses)")
        let named = try await client.get("/v1/policies").results.filter { $0["name"] == "contested" }
        #expect(named.count == 1)
    }

    @Test("parallel pushes and readers")
    func parallelPushes() async throws {
        let server = try await AgoraProcess.start()
        defer {
            server.stop()
            server.removeDataDirectory()
        }
        let client = HTTPClient(server)
        let config: JSON = ["tables": "t:a;b"]
        #expect(
            try await client.post("/v1/data-sources", ["name": "feed", "driver": "push", "config": config]).status
                == 201)
        let path = "/v1/data-sources/feed/tables/t/rows"

        // Each writer replaces the whole table with its own rows. A reader sees one writer's
        // complete push, never a mix of two.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<Self.writers {
                group.addTask {
                    let rows: JSON = .array((0..<5).map { row in [.int(Int64(index)), .int(Int64(row))] })
                    let result = try await client.put(path, rows)
                    #expect(result.status == 200, "writer \(index): \(result.text)")
                }
                group.addTask {
                    let rows = try await client.get(path).results
                    let writers = Set(rows.compactMap { $0["data"]?.arrayValue?.first })
                    #expect(writers.count <= 1, "a reader saw rows of several pushes: \(rows)")
                    #expect(rows.isEmpty || rows.count == 5, "a reader saw a partial push: \(rows)")
                }
            }
            try await group.waitForAll()
        }
        let final = try await client.get(path).results
        #expect(final.count == 5)
    }
}
