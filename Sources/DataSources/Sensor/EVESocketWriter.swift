#if canImport(Glibc)
    import Glibc
#endif

/// A client of a unix stream socket that takes EVE lines, as Suricata's `unix_stream` output is:
/// the sensor connects to the socket an Agora server listens on (`UnixSocketListener`) and writes
/// one event a line.
public final class EVESocketWriter {
    public let path: String
    private var descriptor: Int32

    /// Connects to the listening socket at `path`.
    public init(path: String) throws(SensorError) {
        self.path = path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .socketFailed(path: path, message: "the path is longer than a unix socket address allows")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw .socketFailed(path: path, message: String(cString: strerror(errno))) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw .socketFailed(path: path, message: message)
        }
    }

    deinit {
        close()
    }

    /// Writes all of `text`, retrying partial writes; a closed peer is an error, not a SIGPIPE.
    public func write(_ text: String) throws(SensorError) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .socketFailed(path: path, message: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    /// Closes the connection, which ends the stream for the listener.
    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }
}
