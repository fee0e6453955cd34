import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Listens on a unix stream socket for Suricata's `unix_stream` EVE output, which connects to a
/// socket that another program created, and reads EVE lines from every connection.
///
/// Each connection is read on its own thread, and `handle` is called under one lock, so it may
/// feed a driver that is not thread-safe. Source names are `path#N` for the Nth connection.
public final class UnixSocketListener: @unchecked Sendable {
    public typealias Handler = (_ line: ArraySlice<UInt8>, _ source: String, _ lineNumber: Int, _ complete: Bool) ->
        Void

    public let path: String
    private let handler: Handler
    private let logger: Logger
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var connections = 0

    public init(path: String, logger: Logger, handler: @escaping Handler) {
        self.path = path
        self.logger = logger
        self.handler = handler
    }

    /// Creates the socket (replacing a stale socket file at `path`) and starts accepting.
    public func start() throws(InputError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { throw .socketFailed(path: path, call: "bind", errno: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }

        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK {
            unlink(path)
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw .socketFailed(path: path, call: "socket", errno: errno) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw .socketFailed(path: path, call: "bind", errno: code)
        }
        guard listen(descriptor, 8) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw .socketFailed(path: path, call: "listen", errno: code)
        }
        listener = descriptor
        logger.info("listening for EVE lines", metadata: ["socket": path])
        Thread.detachNewThread { [self] in acceptLoop(descriptor) }
    }

    /// Stops accepting and removes the socket file. Open connections end when their writer closes.
    public func stop() {
        let descriptor = lock.withLock { () -> Int32 in
            defer { listener = -1 }
            return listener
        }
        guard descriptor >= 0 else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        Glibc.close(descriptor)
        unlink(path)
        logger.info("stopped listening", metadata: ["socket": path])
    }

    private func acceptLoop(_ descriptor: Int32) {
        while true {
            let connection = accept(descriptor, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let number = lock.withLock { () -> Int in
                connections += 1
                return connections
            }
            Thread.detachNewThread { [self] in read(connection, source: "\(path)#\(number)") }
        }
    }

    private func read(_ connection: Int32, source: String) {
        defer { Glibc.close(connection) }
        let reader = DescriptorLineReader(descriptor: connection)
        do {
            let lines = try reader.readAll { line, lineNumber, truncated, complete in
                lock.withLock { handler(line, source, lineNumber, complete && !truncated) }
            }
            logger.info("connection closed", metadata: ["source": source, "lines": String(lines)])
        } catch {
            logger.error("connection failed", metadata: ["source": source, "error": error.description])
        }
    }
}
