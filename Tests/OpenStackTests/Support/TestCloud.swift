import Foundation
import LiveCloudSupport
import Testing

@testable import OpenStack

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The parent of every suite that uses the real servers. It runs them one at a time because
/// the servers keep their data in SQLite, which rejects concurrent writes with "database is locked".
@Suite(
    .serialized, .openStackServersLock,
    .enabled(if: TestCloud.isUp, "the OpenStack servers are not running; start them with `make openstack`")
)
enum LiveCloud {}

/// The real OpenStack servers that `make openstack` starts on 127.0.0.1, and sessions for them.
enum TestCloud {
    static let keystoneURL = URL(string: "http://127.0.0.1:5000/v3")!
    static let neutronURL = URL(string: "http://127.0.0.1:9696")!
    static let novaURL = URL(string: "http://127.0.0.1:8774/v2.1")!
    /// The only image in the servers' fake Glance.
    static let imageID = "155d900f-4e14-4e4c-a73d-069cbf4541e6"

    enum Mode { case noauth, keystone, down }

    /// The auth mode of the servers: Neutron accepts an anonymous list only when it runs without Keystone.
    static let mode: Mode = {
        guard let status = probe(neutronURL.appendingPathComponent("v2.0/networks")) else { return .down }
        return status == 200 ? .noauth : .keystone
    }()

    static var isNoauth: Bool { mode == .noauth }
    static var isKeystone: Bool { mode == .keystone }
    static var isUp: Bool { mode != .down }

    /// Returns the configuration of the Keystone admin of project `admin`, as the test cloud's setup creates it.
    static func adminConfig() -> CloudConfig {
        var config = CloudConfig()
        config.authType = .password
        config.authURL = keystoneURL
        config.username = "admin"
        config.password = "secret"
        config.userDomainName = "Default"
        config.projectName = "admin"
        config.projectDomainName = "Default"
        config.regionName = "RegionOne"
        return config
    }

    static func bootActive(_ nova: NovaClient, _ fields: [String: JSON]) async throws -> String {
        try await ServerBoot.bootActive(nova, fields)
    }

    /// Explicit endpoints without Keystone, for servers started with AUTH=noauth.
    static func noauthConfig(network: URL = neutronURL, compute: URL = novaURL) -> CloudConfig {
        var config = CloudConfig()
        config.authType = .none
        config.endpointOverrides = ["network": network, "compute": compute]
        return config
    }

    static func session(
        _ config: CloudConfig, clock: OpenStackClock = SystemOpenStackClock(), logger: OpenStackLogger? = nil
    )
        throws -> Session
    {
        try Session(
            config: config, clock: clock, retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: 0.05, maxDelay: 0.2),
            logger: logger)
    }

    /// Returns the status of a GET, or nil when no response arrives within two seconds.
    static func probe(_ url: URL) -> Int? { HTTPProbe.status(url) }
}

/// Collects log lines so a test can check that no secret was written.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var logger: OpenStackLogger {
        { [self] level, message in lock.withLock { lines.append("\(level) \(message)") } }
    }

    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}

/// Returns a unique name for an object a test creates, so that runs never collide.
func uniqueName(_ prefix: String) -> String {
    "agora-\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}
