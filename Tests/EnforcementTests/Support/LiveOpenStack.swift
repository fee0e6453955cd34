import Foundation
import LiveCloudSupport
import OpenStack
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The parent of every suite here that uses the real OpenStack servers (`make openstack`). Its
/// suites run one at a time because the servers keep their data in SQLite, which rejects
/// concurrent writes with "database is locked".
@Suite(
    .serialized, .openStackServersLock,
    .enabled(if: OpenStackServers.isUp, "the OpenStack servers are not running; start them with `make openstack`"))
enum LiveOpenStack {}

/// The real servers on 127.0.0.1 and sessions for them.
enum OpenStackServers {
    static let keystoneURL = URL(string: "http://127.0.0.1:5000/v3")!
    static let neutronNetworksURL = URL(string: "http://127.0.0.1:9696/v2.0/networks")!
    /// The only image in the servers' fake Glance.
    static let imageID = "155d900f-4e14-4e4c-a73d-069cbf4541e6"

    /// The status of an anonymous Neutron listing: 200 without Keystone, 401 with it, nil when the servers are down.
    static let neutronStatus: Int? = HTTPProbe.status(neutronNetworksURL)

    static var isUp: Bool { neutronStatus != nil }
    static var usesKeystone: Bool { neutronStatus != 200 }

    /// Returns a session of the Keystone admin of project `admin` that sends its requests through `recorder`.
    static func session(recorder: RecordingTransport = RecordingTransport()) throws -> Session {
        var config = CloudConfig()
        config.authType = .password
        config.authURL = keystoneURL
        config.username = "admin"
        config.password = "secret"
        config.userDomainName = "Default"
        config.projectName = "admin"
        config.projectDomainName = "Default"
        config.regionName = "RegionOne"
        return try Session(
            config: config, transport: recorder,
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: 0.05, maxDelay: 0.2))
    }

    static func bootActive(_ nova: NovaClient, _ fields: [String: JSON]) async throws -> String {
        try await ServerBoot.bootActive(nova, fields)
    }
}

/// Returns a unique name for an object a test creates, so that runs never collide.
func uniqueName(_ prefix: String) -> String {
    "agora-\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}
