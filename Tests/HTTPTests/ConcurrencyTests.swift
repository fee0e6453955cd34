import Foundation
import HTTP
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite struct ConcurrencyTests {
    @Test func manyParallelClients() async throws {
        let counter = Shared(0)
        let (server, port) = try startServer { router in
            router.add(.post, "/v1/data-sources/{source}/rows") { request in
                counter.update { $0 += 1 }
                return .text("\(request.pathParameters["source"] ?? "")=\(request.body.count)")
            }
        }
        defer { server.stop() }

        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 32
        let session = URLSession(configuration: configuration)
        let failures = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<400 {
                group.addTask {
                    let body = Data(count: index * 13)
                    let response = try await fetch(
                        "http://127.0.0.1:\(port)/v1/data-sources/s\(index)/rows", method: "POST", body: body,
                        session: session)
                    let expected = "s\(index)=\(body.count)"
                    return response.status == 200 && response.text == expected ? nil : "\(index): \(response.text)"
                }
            }
            var failures: [String] = []
            for try await failure in group {
                if let failure {
                    failures.append(failure)
                }
            }
            return failures
        }
        #expect(failures.isEmpty)
        #expect(counter.current == 400)
    }

    @Test func restartsOnSamePort() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/ping") { _ in .text("pong") }
        }
        server.stop()
        server.stop()

        var configuration = HTTPServerConfiguration()
        configuration.port = port
        let router = HTTPRouter()
        router.add(.get, "/ping") { _ in .text("pong again") }
        let again = HTTPServer(configuration: configuration, router: router, log: { _, _ in })
        try again.start()
        defer { again.stop() }
        #expect(again.port == port)
        #expect(try await fetch("http://127.0.0.1:\(port)/ping").text == "pong again")
    }
}
