import Foundation

/// Settings for an `HTTPServer`: where it listens, how much a client may send, and TLS.
public struct HTTPServerConfiguration: Sendable {
    /// The numeric IPv4 or IPv6 address, or host name, to listen on.
    public var host: String = "127.0.0.1"
    /// The TCP port; 0 picks any free port, which `HTTPServer.port` reports after `start()`.
    public var port: UInt16 = 0
    /// The maximum request body in bytes. A larger `Content-Length` gets 413 before the body is read. A chunked
    /// body that passes the limit is discarded and gets 413 when it ends, or the connection is closed once it
    /// passes twice the limit.
    public var maxBodyBytes: Int = 1 << 20
    /// The maximum size in bytes of the request line and header fields together. libmicrohttpd rejects a larger
    /// request head with 431 itself.
    ///
    /// NOTE: libmicrohttpd keeps the head in a per-connection memory pool that also contains its read and write
    /// buffers. The pool is this size plus `connectionBufferBytes`, so the limit is approximate.
    public var maxHeaderBytes: Int = 16 * 1024
    /// How long a connection may stay idle, or stall mid-request, before libmicrohttpd closes it.
    /// libmicrohttpd counts in whole seconds, so this is rounded up to at least one second.
    /// Suspended event streams do not time out.
    public var connectionTimeout: Duration = .seconds(30)
    /// The number of worker threads; each serves many connections through epoll or poll.
    public var threadPoolSize: Int = ProcessInfo.processInfo.activeProcessorCount
    /// The maximum number of open connections, or nil for libmicrohttpd's default.
    public var maxConnections: Int? = nil
    /// The interval between `: keepalive` comments on each open event stream.
    public var eventStreamKeepaliveInterval: Duration = .seconds(15)
    /// The maximum bytes an event stream may hold unsent. A client that falls this far behind is dropped.
    public var maxEventStreamBufferBytes: Int = 1 << 20
    /// PEM certificate and private key files; nil serves plain HTTP.
    public var tls: TLSFiles? = nil

    /// The paths of a PEM certificate (chain) file and its PEM private key file.
    public struct TLSFiles: Sendable, Equatable {
        public var certificatePath: String
        public var privateKeyPath: String

        public init(certificatePath: String, privateKeyPath: String) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// The part of each connection's memory pool that is kept for buffers beyond the request head.
    static let connectionBufferBytes = 16 * 1024

    public init() {}
}
