import Foundation
import Testing

@Suite(.serialized) struct ClientWatchTests {
    /// Adds notes until the watcher prints one; the first may come before the watcher has
    /// subscribed, because `watch` prints nothing when it connects.
    static func noteUntilSeen(_ text: String, incident: String, server: AgoraServerProcess, watcher: AgoraChild)
        async throws -> Bool
    {
        for _ in 0..<20 {
            let noted = try ClientRun.agora(["incident", "note", incident, text], url: server.url)
            #expect(noted.status == 0, "\(noted.standardError)")
            if try await watcher.waitForOutput(containing: "note=\(text)", seconds: 1) { return true }
        }
        return false
    }

    @Test func watchPrintsEventsAndReconnects() async throws {
        let server = try await AgoraServerProcess()
        defer { server.stop() }
        let incident = try await ClientScenario.openIncident(on: server)

        let watcher = try AgoraChild(["watch", "--kind", "incident.noted"], url: server.url)
        defer { watcher.stop() }
        #expect(try await Self.noteUntilSeen("first look", incident: incident, server: server, watcher: watcher))
        let line = watcher.output.split(separator: "\n").first.map(String.init) ?? ""
        #expect(line.contains("  incident.noted  incident=\(incident) state=open vm=web-1"), "\(line)")
        #expect(!watcher.output.contains("incident.opened"), "--kind keeps only incident.noted")

        // A restarted server on the same port and store: the watcher reconnects by itself.
        server.stop()
        try await server.start()
        #expect(try await Self.noteUntilSeen("after restart", incident: incident, server: server, watcher: watcher))
    }

    @Test func watchJSONStopsAfterCount() async throws {
        let server = try await AgoraServerProcess()
        defer { server.stop() }
        let incident = try await ClientScenario.openIncident(on: server)

        let watcher = try AgoraChild(
            ["watch", "--kind", "incident.noted", "--format", "json", "--count", "1"], url: server.url)
        defer { watcher.stop() }
        var seen = false
        for _ in 0..<20 where !seen {
            _ = try ClientRun.agora(["incident", "note", incident, "json please"], url: server.url)
            seen = try await watcher.waitForOutput(containing: "json please", seconds: 1)
        }
        #expect(seen)
        let first = watcher.output.split(separator: "\n").first.map(String.init) ?? ""
        let event = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        #expect(event?["kind"] as? String == "incident.noted")
        #expect(try await watcher.waitForExit(seconds: 10) == 0)
    }
}
