import Foundation

/// A network namespace that this process created and deletes again, for tests and benchmarks
/// that change nftables without touching the host's own rules.
public struct NetworkNamespace: Sendable {
    public let name: String

    /// Creates a namespace named `agora-<prefix>-<process id>-<random>`, unique per run.
    public static func create(prefix: String) throws -> NetworkNamespace {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let name = "agora-\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
        try CommandRunner().check("ip", ["netns", "add", name])
        let namespace = NetworkNamespace(name: name)
        try namespace.runner.check("ip", ["link", "set", "lo", "up"])
        return namespace
    }

    /// A runner whose commands run inside this namespace.
    public var runner: CommandRunner { CommandRunner(namespace: name) }

    /// Deletes the namespace, and with it its interfaces and nftables tables.
    public func delete() {
        _ = try? CommandRunner().run("ip", ["netns", "delete", name])
    }
}

extension NftablesBackend {
    /// Measures one batch of `count` blocks (at most 131,072) in a namespace created for the
    /// purpose and deleted afterwards. Addresses come from 198.18.0.0/15, the range RFC 2544
    /// sets aside for benchmarks. Returns the seconds of `apply(batch:)`, which includes table
    /// setup, the listings before and after, and the conntrack listing. Needs root.
    public static func measureBatch(count: Int) async throws -> (seconds: Double, result: BackendResult) {
        let count = min(max(count, 1), 131_072)
        let namespace = try NetworkNamespace.create(prefix: "bench")
        defer { namespace.delete() }

        let addresses = (0..<count).map { index in
            "198.\(18 + (index >> 16)).\((index >> 8) & 255).\(index & 255)"
        }
        let backend = NftablesBackend(runner: namespace.runner)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = await backend.apply(batch: addresses, timeoutSeconds: 3600)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (seconds, result)
    }
}
