import Foundation
import OpenStack

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 proxy on 127.0.0.1 in front of a real OpenStack server. It records every
/// request and lets a test reply to some of them itself (a 503, a 401, silence until the client
/// times out) while the rest reach the real server unchanged.
final class FaultProxy: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: Data

        var json: JSON? { try? JSON.parse(body, source: "proxied body") }
    }

    enum Action: Sendable {
        case forward
        case respond(status: Int, body: String)
        /// Holds the connection open without a reply for this many seconds, then closes it.
        case stall(seconds: Double)
        /// Forwards, then hands the real response body to the closure and returns its result.
        case forwardRewriting(@Sendable (Data) -> Data)
    }

    let port: UInt16
    private let upstreamPort: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var rule: @Sendable (Request) -> Action = { _ in .forward }
    private var recorded: [Request] = []
    private var stopped = false

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    init(upstreamPort: UInt16) throws {
        self.upstreamPort = upstreamPort
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else { throw ProxyError.setupFailed(errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = descriptor

        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    enum ProxyError: Error { case setupFailed(Int32) }

    func setRule(_ rule: @escaping @Sendable (Request) -> Action) {
        lock.withLock { self.rule = rule }
    }

    var requests: [Request] { lock.withLock { recorded } }

    func clearRecord() { lock.withLock { recorded.removeAll() } }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                continue
            }
            let thread = Thread { [self] in handle(client) }
            thread.start()
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        guard let (request, raw) = readRequest(client) else { return }
        let currentRule = lock.withLock { () -> @Sendable (Request) -> Action in
            recorded.append(request)
            return rule
        }
        let action = currentRule(request)

        switch action {
        case .respond(let status, let body):
            let head =
                "HTTP/1.1 \(status) Injected\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
            writeAll(client, Data((head + body).utf8))
        case .stall(let seconds):
            Thread.sleep(forTimeInterval: seconds)
        case .forward:
            forward(raw, to: client, rewrite: nil)
        case .forwardRewriting(let rewrite):
            forward(raw, to: client, rewrite: rewrite)
        }
    }

    /// Reads one request head and its Content-Length body. Returns the parsed request and the
    /// bytes to send upstream, which carry `Connection: close` so that the reply ends at end of stream.
    private func readRequest(_ client: Int32) -> (Request, Data)? {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator = Data("\r\n\r\n".utf8)
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            let count = recv(client, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            headEnd = buffer.range(of: separator)
        }
        let headText = String(decoding: buffer[..<headEnd!.lowerBound], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        var forwardedHead = ["\(requestLine.joined(separator: " "))"]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name != "connection" { forwardedHead.append(line) }
        }
        forwardedHead.append("Connection: close")

        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Data(buffer[headEnd!.upperBound...])
        while body.count < length {
            let count = recv(client, &chunk, chunk.count, 0)
            if count <= 0 { break }
            body.append(contentsOf: chunk[0..<count])
        }
        let request = Request(
            method: requestLine.first.map(String.init) ?? "", path: requestLine.count > 1 ? String(requestLine[1]) : "",
            headers: headers, body: body)
        return (request, Data((forwardedHead.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body)
    }

    private func forward(_ raw: Data, to client: Int32, rewrite: (@Sendable (Data) -> Data)?) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = upstreamPort.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return }
        writeAll(upstream, raw)
        var chunk = [UInt8](repeating: 0, count: 65536)
        var response = Data()
        while true {
            let count = recv(upstream, &chunk, chunk.count, 0)
            if count <= 0 { break }
            if rewrite == nil {
                writeAll(client, Data(chunk[0..<count]))
            } else {
                response.append(contentsOf: chunk[0..<count])
            }
        }
        guard let rewrite, let headEnd = response.range(of: Data("\r\n\r\n".utf8)) else { return }

        let body = rewrite(Data(response[headEnd.upperBound...]))
        let head = String(decoding: response[..<headEnd.lowerBound], as: UTF8.self)
            .components(separatedBy: "\r\n")
            .filter { !$0.lowercased().hasPrefix("content-length:") }
        writeAll(
            client, Data((head + ["Content-Length: \(body.count)", "", ""]).joined(separator: "\r\n").utf8) + body)
    }

    private func writeAll(_ socket: Int32, _ data: Data) {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
