import Foundation

/// Errors of the local backends. Each case carries the value that was wrong.
public enum BackendError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text is not a single IPv4 or IPv6 address (a prefix, a name or garbage).
    case invalidAddress(String)
    /// A command needed by a backend is not installed in any directory searched.
    case commandNotFound(name: String, searched: [String])
    /// A command ran and exited with a failure status.
    case commandFailed(command: String, status: Int32, stderr: String)
    /// A command succeeded but printed something the backend cannot read.
    case unexpectedOutput(command: String, reason: String)

    public var description: String {
        switch self {
        case .invalidAddress(let text):
            return "invalid address \"\(text)\": give one IPv4 or IPv6 address without a prefix length"
        case .commandNotFound(let name, let searched):
            return "\(name) not found in \(searched.joined(separator: ":")); install it (Debian: nftables, "
                + "conntrack, iproute2)"
        case .commandFailed(let command, let status, let stderr):
            let message = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(command) failed with exit status \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .unexpectedOutput(let command, let reason):
            return "unexpected output from \(command): \(reason)"
        }
    }
}
