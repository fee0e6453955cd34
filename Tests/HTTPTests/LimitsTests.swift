import Foundation
import HTTP
import Testing

@Suite struct LimitsTests {
    @Test func keepAliveReusesConnection() throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/ping") { _ in .text("pong") }
        }
        defer { server.stop() }

        let url = "http://127.0.0.1:\(port)/ping"
        let result = try run("/usr/bin/curl", ["-sv", url, url])
        #expect(result.status == 0)
        #expect(result.output == "pongpong")
        #expect(result.error.contains("Re-using existing connection"))

        let client = try RawClient(port: port)
        client.send("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(client.read(until: "pong", occurrences: 2) == .found)
        #expect(client.text.components(separatedBy: "HTTP/1.1 200").count == 3)
    }

    @Test func oversizedBodyGets413() async throws {
        let (server, port) = try startServer(configuration { $0.maxBodyBytes = 1024 }) { router in
            router.add(.post, "/upload") { request in .text("\(request.body.count)") }
        }
        defer { server.stop() }
        let url = "http://127.0.0.1:\(port)/upload"

        let small = try await fetch(url, method: "POST", body: Data(count: 1024))
        #expect(small.status == 200)
        #expect(small.text == "1024")

        let declared = try run(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary",
                String(repeating: "x", count: 4096), url,
            ])
        #expect(declared.output == "413")

        let chunked = try RawClient(port: port)
        let chunk = String(repeating: "x", count: 1500)
        chunked.send(
            "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5dc\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(chunked.read(until: "\r\n\r\n") == .found)
        #expect(chunked.text.hasPrefix("HTTP/1.1 413"))

        // curl stops reading once a send fails, so a raw client sends past twice the limit.
        let endless = try RawClient(port: port)
        endless.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<4 where endless.send("5dc\r\n\(chunk)\r\n") {}
        #expect(endless.readToEnd() == .closed)
        #expect(!endless.text.contains("200 OK"))

        let after = try await fetch(url, method: "POST", body: Data("ok".utf8))
        #expect(after.text == "2")
    }

    @Test func oversizedHeadersRejected() async throws {
        let (server, port) = try startServer(
            configuration {
                $0.maxHeaderBytes = 4096
            }
        ) { router in
            router.add(.get, "/ping") { _ in .text("pong") }
        }
        defer { server.stop() }

        let fitting = try RawClient(port: port)
        fitting.send(
            "GET /ping HTTP/1.1\r\nHost: x\r\nX-Fill: \(String(repeating: "a", count: 2000))\r\nConnection: close\r\n\r\n"
        )
        #expect(fitting.readToEnd() == .closed)
        #expect(fitting.text.hasPrefix("HTTP/1.1 200"))

        let client = try RawClient(port: port)
        let filler = String(repeating: "a", count: 1000)
        let fields = (0..<64).map { "X-Fill-\($0): \(filler)\r\n" }.joined()
        client.send("GET /ping HTTP/1.1\r\nHost: x\r\n\(fields)\r\n")
        #expect(client.readToEnd() == .closed)
        #expect(client.text.hasPrefix("HTTP/1.1 431"))
        #expect(!client.text.contains("pong"))

        #expect(try await fetch("http://127.0.0.1:\(port)/ping").text == "pong")
    }

    @Test func slowClientCutAfterTimeout() async throws {
        let (server, port) = try startServer(
            configuration {
                $0.connectionTimeout = .seconds(1)
            }
        ) { router in
            router.add(.get, "/ping") { _ in .text("pong") }
        }
        defer { server.stop() }

        let slow = try RawClient(port: port, receiveTimeoutSeconds: 15)
        slow.send("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Partial: ")

        let other = try await fetch("http://127.0.0.1:\(port)/ping")
        #expect(other.text == "pong")

        #expect(slow.readToEnd() == .closed)
        #expect(!slow.text.contains("pong"))
    }

    @Test func throwingHandlerGives500() async throws {
        let messages = Shared<[String]>([])
        let log: @Sendable (HTTPLogLevel, String) -> Void = { level, message in
            messages.update { $0.append("\(level.rawValue): \(message)") }
        }
        let (server, port) = try startServer(log: log) { router in
            router.add(.get, "/fail") { _ in throw HandlerFailure() }
            router.add(.get, "/ping") { _ in .text("pong") }
        }
        defer { server.stop() }

        let failed = try await fetch("http://127.0.0.1:\(port)/fail")
        #expect(failed.status == 500)
        #expect(!failed.text.contains("handler failure"))
        #expect(messages.current.contains("error: handler for GET /fail threw: handler failure for the test"))

        #expect(try await fetch("http://127.0.0.1:\(port)/ping").text == "pong")
    }

    @Test func malformedRequestsLeaveServerRunning() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/ping") { _ in .text("pong") }
        }
        defer { server.stop() }

        let inputs = [
            "\r\n\r\n", "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
            "GET /ping HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            "POST /ping HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET /\u{0}\u{1}\u{ff} HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /ping HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
        ]
        for input in inputs {
            let client = try RawClient(port: port, receiveTimeoutSeconds: 2)
            client.send(input)
            _ = client.readToEnd()
        }

        #expect(try await fetch("http://127.0.0.1:\(port)/ping").text == "pong")
    }

    @Test func invalidStatusBecomes500() async throws {
        let messages = Shared<[String]>([])
        let log: @Sendable (HTTPLogLevel, String) -> Void = { _, message in messages.update { $0.append(message) } }
        let (server, port) = try startServer(log: log) { router in
            router.add(.get, "/odd") { _ in HTTPResponse(status: 42) }
        }
        defer { server.stop() }

        #expect(try await fetch("http://127.0.0.1:\(port)/odd").status == 500)
        #expect(messages.current.contains { $0.contains("invalid status 42") })
    }

    @Test func addressInUseNamesPort() throws {
        let (server, port) = try startServer { _ in }
        defer { server.stop() }

        var configuration = HTTPServerConfiguration()
        configuration.port = port
        let second = HTTPServer(configuration: configuration, router: HTTPRouter(), log: { _, _ in })
        #expect(throws: HTTPError.addressInUse(host: "127.0.0.1", port: port)) {
            try second.start()
        }
        #expect("\(HTTPError.addressInUse(host: "127.0.0.1", port: port))".contains("127.0.0.1:\(port)"))
    }

    @Test func accessLogAndLatencyHooks() async throws {
        let records = Shared<[HTTPAccessRecord]>([])
        let latencies = Shared<[HTTPAccessRecord]>([])
        let accessLog: @Sendable (HTTPAccessRecord) -> Void = { record in records.update { $0.append(record) } }
        let observer: @Sendable (HTTPAccessRecord) -> Void = { record in latencies.update { $0.append(record) } }
        let (server, port) = try startServer(accessLog: accessLog, latencyObserver: observer) { router in
            router.add(.get, "/v1/policies/{policy}") { _ in .text("ok") }
        }
        defer { server.stop() }

        _ = try await fetch("http://127.0.0.1:\(port)/v1/policies/p1")
        _ = try await fetch("http://127.0.0.1:\(port)/nowhere")
        #expect(await waitUntil { records.current.count == 2 })

        let found = try #require(records.current.first { $0.status == 200 })
        #expect(found.method == "GET")
        #expect(found.path == "/v1/policies/p1")
        #expect(found.route == "/v1/policies/{policy}")
        #expect(found.completed)
        #expect(found.duration >= .zero)
        let missing = try #require(records.current.first { $0.status == 404 })
        #expect(missing.route == nil)
        #expect(await waitUntil { latencies.current.count == 2 })
    }
}
