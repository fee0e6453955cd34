import Foundation
import HTTP
import Testing

@Suite struct TLSTests {
    @Test func servesHTTPSWithSelfSignedCertificate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agora-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
            ])
        try #require(openssl.status == 0, "openssl failed: \(openssl.error)")

        let (server, port) = try startServer(
            configuration {
                $0.tls = .init(certificatePath: certificate, privateKeyPath: key)
            }
        ) { router in
            router.add(.get, "/secure") { request in .text("secret for \(request.clientAddress ?? "-")") }
        }
        defer { server.stop() }

        let fetched = try run("/usr/bin/curl", ["-s", "--cacert", certificate, "https://127.0.0.1:\(port)/secure"])
        #expect(fetched.status == 0)
        #expect(fetched.output == "secret for 127.0.0.1")

        let untrusted = try run("/usr/bin/curl", ["-s", "https://127.0.0.1:\(port)/secure"])
        #expect(untrusted.status != 0)
        let plain = try run("/usr/bin/curl", ["-s", "-m", "5", "http://127.0.0.1:\(port)/secure"])
        #expect(plain.output != "secret for 127.0.0.1")
    }

    @Test func unreadableCertificateNamesFile() throws {
        var configuration = HTTPServerConfiguration()
        configuration.tls = .init(
            certificatePath: "/nonexistent/agora-cert.pem", privateKeyPath: "/nonexistent/key.pem")
        let server = HTTPServer(configuration: configuration, router: HTTPRouter(), log: { _, _ in })
        let error = #expect(throws: HTTPError.self) { try server.start() }
        #expect(error == .unreadableTLSFile(path: "/nonexistent/agora-cert.pem", reason: "no such file"))
        #expect("\(try #require(error))".contains("/nonexistent/agora-cert.pem"))
        #expect(server.port == nil)
    }

    @Test func invalidCertificateFailsStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agora-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("broken.pem").path
        try Data("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".utf8).write(
            to: URL(fileURLWithPath: path))

        var configuration = HTTPServerConfiguration()
        configuration.tls = .init(certificatePath: path, privateKeyPath: path)
        let server = HTTPServer(configuration: configuration, router: HTTPRouter(), log: { _, _ in })
        let error = #expect(throws: HTTPError.self) { try server.start() }
        guard case .daemonStartFailed(let host, _, let reason) = error else {
            Issue.record("expected daemonStartFailed, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
        #expect(reason != nil)
        #expect(server.port == nil)
    }
}
