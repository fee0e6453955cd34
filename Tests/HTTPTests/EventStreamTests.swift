import Foundation
import HTTP
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Starts a server whose `/events` route opens a stream and stores it in `streams`.
private func startEventServer(
    keepalive: Duration = .seconds(3600), streams: Shared<[EventStream]>, closed: Shared<Int> = Shared(0)
) throws -> (server: HTTPServer, port: UInt16) {
    try startServer(
        configuration {
            $0.eventStreamKeepaliveInterval = keepalive
        }
    ) { router in
        router.add(.get, "/events") { request in
            .eventStream { stream in
                stream.onClose { closed.update { $0 += 1 } }
                streams.update { $0.append(stream) }
            }
        }
        router.add(.get, "/ping") { _ in .text("pong") }
    }
}

private func openStream(port: UInt16, headers: String = "") throws -> RawClient {
    let client = try RawClient(port: port)
    client.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\(headers)\r\n")
    #expect(client.read(until: ": stream opened\n\n") == .found)
    return client
}

@Suite struct EventStreamTests {
    @Test func eventsArriveInOrderAtOnce() async throws {
        let streams = Shared<[EventStream]>([])
        let (server, port) = try startEventServer(streams: streams)
        defer { server.stop() }

        let client = try openStream(port: port)
        #expect(client.text.hasPrefix("HTTP/1.1 200"))
        #expect(client.text.contains("Content-Type: text/event-stream; charset=utf-8"))
        #expect(await waitUntil { streams.current.count == 1 })
        let stream = try #require(streams.current.first)

        // The keepalive interval is an hour, so each event is only seen if the server sends it without waiting
        // for more data.
        for number in 1...3 {
            #expect(try stream.send(event: "incident", id: "\(number)", data: "row \(number)"))
            #expect(client.read(until: "data: row \(number)\n\n") == .found)
        }
        let body = client.text
        let positions = (1...3).compactMap { body.range(of: "id: \($0)\n")?.lowerBound }
        #expect(positions.count == 3)
        #expect(positions == positions.sorted())
        #expect(body.contains("event: incident\nid: 1\ndata: row 1\n\n"))

        try stream.send(data: "first line\nsecond line\r\nthird line")
        #expect(client.read(until: "data: third line\n\n") == .found)
        #expect(client.text.contains("data: first line\ndata: second line\ndata: third line\n\n"))
    }

    @Test func invalidEventFieldRejected() async throws {
        let streams = Shared<[EventStream]>([])
        let (server, port) = try startEventServer(streams: streams)
        defer { server.stop() }

        let client = try openStream(port: port)
        #expect(await waitUntil { streams.current.count == 1 })
        let stream = try #require(streams.current.first)
        #expect(throws: HTTPError.invalidEventField(name: "event", value: "a\nb")) {
            try stream.send(event: "a\nb", data: "x")
        }
        #expect(throws: HTTPError.invalidEventField(name: "id", value: "1\r")) {
            try stream.send(id: "1\r", data: "x")
        }
        _ = client
    }

    @Test func keepaliveCommentsSent() async throws {
        let streams = Shared<[EventStream]>([])
        let (server, port) = try startEventServer(keepalive: .milliseconds(100), streams: streams)
        defer { server.stop() }

        let client = try openStream(port: port)
        #expect(client.read(until: ": keepalive\n\n", occurrences: 2) == .found)
    }

    @Test func lastEventIDExposed() async throws {
        let streams = Shared<[EventStream]>([])
        let seen = Shared<String?>(nil)
        let (server, port) = try startServer { router in
            router.add(.get, "/events") { request in
                seen.update { $0 = request.lastEventID }
                return .eventStream { stream in streams.update { $0.append(stream) } }
            }
        }
        defer { server.stop() }

        let client = try openStream(port: port, headers: "Last-Event-ID: 41\r\n")
        #expect(await waitUntil { streams.current.count == 1 })
        #expect(seen.current == "41")
        #expect(streams.current.first?.lastEventID == "41")
        _ = client
    }

    @Test func clientDisconnectDetected() async throws {
        let streams = Shared<[EventStream]>([])
        let closed = Shared(0)
        let (server, port) = try startEventServer(keepalive: .milliseconds(100), streams: streams, closed: closed)
        defer { server.stop() }

        let client = try openStream(port: port)
        #expect(await waitUntil { streams.current.count == 1 })
        let stream = try #require(streams.current.first)
        #expect(!stream.isClosed)

        client.shutdown()
        #expect(await waitUntil { stream.isClosed })
        #expect(await waitUntil { closed.current == 1 })
        #expect(try stream.send(data: "too late") == false)
    }

    @Test func closeEndsResponse() async throws {
        let streams = Shared<[EventStream]>([])
        let closed = Shared(0)
        let (server, port) = try startEventServer(streams: streams, closed: closed)
        defer { server.stop() }

        let client = try openStream(port: port)
        #expect(await waitUntil { streams.current.count == 1 })
        let stream = try #require(streams.current.first)
        try stream.send(data: "last")
        stream.close()
        #expect(client.read(until: "\r\n0\r\n\r\n") == .found)
        #expect(client.text.contains("data: last\n\n"))
        #expect(await waitUntil { closed.current == 1 })
    }

    @Test func stopEndsOpenStreams() async throws {
        let streams = Shared<[EventStream]>([])
        let closed = Shared(0)
        let (server, port) = try startEventServer(streams: streams, closed: closed)

        let clients = try (0..<3).map { _ in try openStream(port: port) }
        #expect(await waitUntil { streams.current.count == 3 })

        server.stop()
        for client in clients {
            #expect(client.readToEnd() == .closed)
        }
        #expect(streams.current.allSatisfy { $0.isClosed })
        #expect(closed.current == 3)
        #expect(server.port == nil)
    }

    @Test func streamsDoNotStarvePlainRequests() async throws {
        let streams = Shared<[EventStream]>([])
        let (server, port) = try startServer(
            configuration {
                $0.threadPoolSize = 2
                $0.eventStreamKeepaliveInterval = .seconds(3600)
            }
        ) { router in
            router.add(.get, "/events") { _ in .eventStream { stream in streams.update { $0.append(stream) } } }
            router.add(.get, "/echo/{value}") { request in .text(request.pathParameters["value"] ?? "") }
        }
        defer { server.stop() }

        let clients = try (0..<20).map { _ in try openStream(port: port) }
        #expect(await waitUntil { streams.current.count == 20 })

        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        let session = URLSession(configuration: configuration)
        let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<64 {
                group.addTask {
                    (index, try await fetch("http://127.0.0.1:\(port)/echo/\(index)", session: session).text)
                }
            }
            var bodies: [Int: String] = [:]
            for try await (index, body) in group {
                bodies[index] = body
            }
            return bodies
        }
        #expect(bodies.count == 64)
        #expect(bodies.allSatisfy { $0.value == "\($0.key)" })

        for stream in streams.current {
            try stream.send(data: "after the burst")
        }
        for client in clients {
            #expect(client.read(until: "data: after the burst\n\n") == .found)
        }
    }
}
