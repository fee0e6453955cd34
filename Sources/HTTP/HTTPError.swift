/// An error that the HTTP server raises while starting or that an event stream raises on invalid input.
public enum HTTPError: Error, Equatable, CustomStringConvertible {
    /// The server was started while it was already running on the address.
    case alreadyRunning(address: String)
    /// The host is not a numeric IPv4 or IPv6 address, or a name that resolves to one.
    case invalidHost(host: String, reason: String)
    /// Another socket is already bound to the address.
    case addressInUse(host: String, port: UInt16)
    /// Creating, binding or listening on the socket failed for a reason other than the address being in use.
    case bindFailed(host: String, port: UInt16, reason: String)
    /// A TLS certificate or private key file could not be read.
    case unreadableTLSFile(path: String, reason: String)
    /// The installed libmicrohttpd was built without TLS support.
    case tlsUnsupported
    /// libmicrohttpd refused to start the daemon; the reason is its last log message, when it wrote one.
    case daemonStartFailed(host: String, port: UInt16, reason: String?)
    /// An event name or id contains a character that the server-sent events format cannot carry.
    case invalidEventField(name: String, value: String)

    public var description: String {
        switch self {
        case .alreadyRunning(let address):
            return "HTTP server is already running on \(address); call stop() before start()"
        case .invalidHost(let host, let reason):
            return "invalid listen host '\(host)': \(reason)"
        case .addressInUse(let host, let port):
            return "address \(formatAddress(host: host, port: port)) is already in use; choose another port or stop "
                + "the process that holds it"
        case .bindFailed(let host, let port, let reason):
            return "failed to listen on \(formatAddress(host: host, port: port)): \(reason)"
        case .unreadableTLSFile(let path, let reason):
            return "cannot read TLS file '\(path)': \(reason)"
        case .tlsUnsupported:
            return "TLS requested, but the installed libmicrohttpd was built without TLS support"
        case .daemonStartFailed(let host, let port, let reason):
            let address = formatAddress(host: host, port: port)
            return "libmicrohttpd failed to start on \(address)" + (reason.map { ": \($0)" } ?? "")
        case .invalidEventField(let name, let value):
            return "invalid event stream \(name) '\(value)': it must not contain CR, LF or NUL"
        }
    }
}

/// Formats a host and port as `host:port`, with brackets around an IPv6 host.
func formatAddress(host: String, port: UInt16) -> String {
    host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
}
