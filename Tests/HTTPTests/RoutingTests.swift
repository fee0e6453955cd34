import Foundation
import HTTP
import Testing

@Suite struct RoutingTests {
    @Test func pathParametersDecoded() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/v1/policies/{policy}/rules/{rule}") { request in
                .text("\(request.pathParameters["policy"] ?? "-")|\(request.pathParameters["rule"] ?? "-")")
            }
        }
        defer { server.stop() }

        let plain = try await fetch("http://127.0.0.1:\(port)/v1/policies/classification/rules/r1")
        #expect(plain.status == 200)
        #expect(plain.text == "classification|r1")

        let encoded = try await fetch("http://127.0.0.1:\(port)/v1/policies/a%2Fb%20c/rules/%C3%A9")
        #expect(encoded.text == "a/b c|é")

        let trailingSlash = try await fetch("http://127.0.0.1:\(port)/v1/policies/p/rules/r/")
        #expect(trailingSlash.status == 200)
        #expect(trailingSlash.text == "p|r")
    }

    @Test func literalSegmentBeatsParameter() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/v1/policies/{policy}") { _ in .text("parameter") }
            router.add(.get, "/v1/policies/actions") { _ in .text("literal") }
        }
        defer { server.stop() }

        #expect(try await fetch("http://127.0.0.1:\(port)/v1/policies/actions").text == "literal")
        #expect(try await fetch("http://127.0.0.1:\(port)/v1/policies/other").text == "parameter")
    }

    @Test func remainderParameter() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/ui/{path...}") { request in .text("[\(request.pathParameters["path"] ?? "nil")]") }
        }
        defer { server.stop() }

        #expect(try await fetch("http://127.0.0.1:\(port)/ui/css/app.css").text == "[css/app.css]")
        #expect(try await fetch("http://127.0.0.1:\(port)/ui/").text == "[]")
    }

    @Test func unknownPathGives404() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/v1/policies") { _ in .text("list") }
        }
        defer { server.stop() }

        let response = try await fetch("http://127.0.0.1:\(port)/v1/nothing")
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.text.contains("no route for GET /v1/nothing"))
    }

    @Test func wrongMethodGives405WithAllow() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/v1/policies") { _ in .text("list") }
            router.add(.post, "/v1/policies") { _ in .text("create") }
        }
        defer { server.stop() }

        let response = try await fetch("http://127.0.0.1:\(port)/v1/policies", method: "DELETE")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, POST")
    }

    @Test func headAnsweredFromGet() throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/status") { _ in .text("all good") }
        }
        defer { server.stop() }

        let client = try RawClient(port: port)
        client.send("HEAD /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(client.readToEnd() == .closed)
        #expect(client.text.hasPrefix("HTTP/1.1 200"))
        #expect(client.text.contains("Content-Length: 8\r\n"))
        #expect(!client.text.contains("all good"))
    }

    @Test func queryItemsOrderedAndDecoded() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/search") { request in
                .text(request.queryItems.map { "\($0.name)=\($0.value ?? "<nil>")" }.joined(separator: ";"))
            }
        }
        defer { server.stop() }

        let response = try await fetch("http://127.0.0.1:\(port)/search?a=1&b=x%20y&a=2&flag&c=d+e&%C3%A9=%26")
        #expect(response.text == "a=1;b=x y;a=2;flag=<nil>;c=d e;é=&")
    }

    @Test func invalidPercentEncodingGives400() throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/items/{item}") { _ in .text("found") }
        }
        defer { server.stop() }

        let client = try RawClient(port: port)
        client.send("GET /items/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(client.readToEnd() == .closed)
        #expect(client.text.hasPrefix("HTTP/1.1 400"))
        #expect(client.text.contains("%zz"))
    }

    @Test func jsonRoundTrip() async throws {
        struct Rule: Codable, Equatable {
            var name: String
            var rule: String
        }
        let (server, port) = try startServer { router in
            router.add(.post, "/v1/policies/{policy}/rules") { request in
                var rule = try request.decodeJSON(Rule.self)
                rule.name += "@" + (request.pathParameters["policy"] ?? "")
                return try .json(rule, status: 201)
            }
        }
        defer { server.stop() }

        let sent = Rule(name: "r1", rule: "error(x) :- nova:servers(id=x, status=\"ERROR\")")
        let response = try await fetch(
            "http://127.0.0.1:\(port)/v1/policies/classification/rules", method: "POST",
            body: try JSONEncoder().encode(sent), headers: ["Content-Type": "application/json"])
        #expect(response.status == 201)
        #expect(response.header("Content-Type") == "application/json")
        let received = try JSONDecoder().decode(Rule.self, from: response.body)
        #expect(received == Rule(name: "r1@classification", rule: sent.rule))
    }

    @Test func headersAndClientAddress() async throws {
        let (server, port) = try startServer { router in
            router.add(.get, "/whoami") { request in
                .text("\(request.headers["x-agora-tenant"] ?? "-") \(request.clientAddress ?? "-")")
            }
        }
        defer { server.stop() }

        let response = try await fetch("http://127.0.0.1:\(port)/whoami", headers: ["X-Agora-Tenant": "demo"])
        #expect(response.text == "demo 127.0.0.1")
    }

    @Test func staticFilesWithContentType() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("agora-static-\(UUID())")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("css"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("<h1>Agora</h1>".utf8).write(to: root.appendingPathComponent("index.html"))
        try Data("body {}".utf8).write(to: root.appendingPathComponent("css/app.css"))
        let (server, port) = try startServer { router in
            router.add(.get, "/ui/{path...}") { request in
                .staticFile(root: root.path, relativePath: request.pathParameters["path"] ?? "")
            }
        }
        defer { server.stop() }

        let index = try await fetch("http://127.0.0.1:\(port)/ui/")
        #expect(index.text == "<h1>Agora</h1>")
        #expect(index.header("Content-Type") == "text/html; charset=utf-8")
        let css = try await fetch("http://127.0.0.1:\(port)/ui/css/app.css")
        #expect(css.header("Content-Type") == "text/css; charset=utf-8")
        let escape = try await fetch("http://127.0.0.1:\(port)/ui/css/..%2F..%2F..%2Fetc%2Fpasswd")
        #expect(escape.status == 404)
        let missing = try await fetch("http://127.0.0.1:\(port)/ui/missing.js")
        #expect(missing.status == 404)
    }
}
