import Foundation

/// A blocking TCP client on 127.0.0.1 for requests that URLSession cannot send: half requests, huge headers,
/// several requests on one connection, and event streams read as they arrive.
final class RawClient {
    private let descriptor: Int32
    private(set) var received = Data()

    init(port: UInt16, receiveTimeoutSeconds: Int = 10) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            close(descriptor)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends all bytes; returns false when the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else {
                return false
            }
            offset += sent
        }
        return true
    }

    /// The outcome of waiting for data.
    enum ReadResult: Equatable {
        case found
        case closed
        case timedOut
    }

    /// Reads until `received` contains `marker` `occurrences` times, the server closes the connection, or a read
    /// times out.
    func read(until marker: String, occurrences: Int = 1) -> ReadResult {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while text.components(separatedBy: marker).count - 1 < occurrences {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 || (count < 0 && errno == ECONNRESET) {
                return .closed
            }
            if count < 0 {
                return .timedOut
            }
            received.append(contentsOf: buffer[..<count])
        }
        return .found
    }

    /// Reads until the server closes the connection or a read times out.
    func readToEnd() -> ReadResult {
        read(until: "\u{0}never sent\u{0}")
    }

    var text: String { String(decoding: received, as: UTF8.self) }

    /// Closes the connection from the client side.
    func shutdown() {
        Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }
}
