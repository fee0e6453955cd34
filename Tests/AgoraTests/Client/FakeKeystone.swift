import Foundation
import OpenStack

/// A stand-in for Keystone's `POST /v3/auth/tokens` on a free loopback port, so that the
/// client's password login and catalog lookup run without a real cloud.
///
/// A request with `password` gets 201, `X-Subject-Token: token`, and a catalog whose `policy`
/// endpoint is `policyURL`. Any other password gets Keystone's 401. Each connection serves one
/// request and is closed.
final class FakeKeystone: @unchecked Sendable {
    let password: String
    let token: String
    let policyURL: String
    private(set) var port = 0
    private var listener: Int32 = -1

    init(password: String, token: String, policyURL: String) throws {
        self.password = password
        self.token = token
        self.policyURL = policyURL
        try listen()
    }

    var authURL: String { "http://127.0.0.1:\(port)/v3" }

    private func listen() throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, Glibc.listen(listener, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let socket = listener
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(socket, nil, nil)
                guard connection >= 0 else { return }
                serve(connection)
                close(connection)
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    /// Reads one request (headers, then `Content-Length` bytes of body) and writes the response.
    private func serve(_ connection: Int32) {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var bodyStart: Int?
        var expected = 0
        while true {
            if let start = bodyStart, received.count - start >= expected { break }
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { return }
            received.append(contentsOf: buffer[0..<count])
            if bodyStart == nil, let end = received.range(of: Data("\r\n\r\n".utf8)) {
                bodyStart = end.upperBound
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    expected = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        let body = (try? JSON.parse(Data(received[bodyStart!...]), source: "request")) ?? .null
        let sentPassword = body["auth"]?["identity"]?["password"]?["user"]?["password"]?.stringValue
        let response = sentPassword == password ? issued() : rejected()
        _ = response.withUnsafeBytes { write(connection, $0.baseAddress, response.count) }
    }

    private func issued() -> Data {
        let expiry = Self.keystoneTime(Date().addingTimeInterval(3600))
        let body: JSON = [
            "token": [
                "expires_at": .string(expiry), "project": ["id": "project-a"], "user": ["id": "user-a"],
                "catalog": [
                    [
                        "type": "policy",
                        "endpoints": [["interface": "public", "region_id": "RegionOne", "url": .string(policyURL)]],
                    ]
                ],
            ]
        ]
        return Self.response(status: "201 Created", headers: ["X-Subject-Token: \(token)"], body: body)
    }

    private func rejected() -> Data {
        let body: JSON = [
            "error": [
                "code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication.",
            ]
        ]
        return Self.response(status: "401 Unauthorized", headers: [], body: body)
    }

    /// Formats a time as Keystone writes `expires_at`: UTC with microseconds.
    private static func keystoneTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"
        return formatter.string(from: date)
    }

    private static func response(status: String, headers: [String], body: JSON) -> Data {
        let text = body.text
        let lines =
            ["HTTP/1.1 \(status)", "Content-Type: application/json", "Content-Length: \(text.utf8.count)"]
            + headers + ["Connection: close", "", ""]
        return Data((lines.joined(separator: "\r\n") + text).utf8)
    }
}
