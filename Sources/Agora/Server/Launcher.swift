import DataSources
import Enforcement
import Foundation
import OpenStack
import Store

/// Starts a whole Agora from a configuration: the store, the service with its data sources,
/// enforcement with its backends, and the HTTP server. `agora serve`, `agora demo` and the
/// end-to-end tests all start it this way.
public final class Launcher: @unchecked Sendable {
    public let service: AgoraService
    public let server: AgoraServer
    /// Delivers notifications; nil when `[notifications]` names no webhook and no syslog.
    public let notifier: Notifier?
    /// The first admin key, when this start created it (token auth on an empty store).
    public let bootstrapToken: String?

    /// - Parameters:
    ///   - simulatedCloud: the cloud behind `simulated` data sources and the simulated backend;
    ///     nil when the service talks only to a real cloud.
    ///   - simulatedLatency: seconds each change of the simulated backend waits before it is made.
    ///   - wrapBackend: applied to each backend before enforcement gets it, so that a benchmark
    ///     can time or count the calls; the default hands each backend over unchanged.
    public static func start(
        configuration: ServiceConfiguration, simulatedCloud: SimulatedCloud? = nil, simulatedLatency: Double = 0,
        logger: Logger = Logger(label: "agora"), enforcementClock: any EnforcementClock = SystemClock(),
        session givenSession: Session? = nil, wrapBackend: (any ActionBackend) -> any ActionBackend = { $0 }
    ) async throws -> Launcher {
        try configuration.checkSafety()
        let session = try givenSession ?? openStackSession(configuration, logger: logger)
        var simulated: (@Sendable (DataSourceConfig) throws -> any ManagedSource)?
        if let simulatedCloud {
            simulated = { @Sendable config in SimulatedSource(config: config, cloud: simulatedCloud) }
        }
        let service = try AgoraService.open(
            configuration: configuration, session: session, logger: logger, simulated: simulated)
        let metrics = Metrics()
        service.metrics = metrics
        registerGauges(metrics, service: service)

        var backends: [any ActionBackend] = []
        if let simulatedCloud { backends.append(SimulatedBackend(cloud: simulatedCloud, latency: simulatedLatency)) }
        if let session { backends.append(OpenStackBackend(session: session)) }
        let namespace = configuration.text("enforcement", "nft_namespace")
        backends.append(NftablesBackend(runner: CommandRunner(namespace: namespace.isEmpty ? nil : namespace)))
        try service.enableEnforcement(backends: backends.map(wrapBackend), clock: enforcementClock)

        // The notifier subscribes before the sources start, so that it receives their first events.
        let notifier = try Notifier.make(
            configuration: configuration, database: service.database, logger: logger, clock: service.clock)
        if let notifier {
            let incidents = service.incidents.store
            let activeIncident: @Sendable (String, String) -> String? = { policy, vmID in
                (try? incidents.active(policy: policy, vmID: vmID))?.id
            }
            notifier.start(bus: service.events, activeIncident: activeIncident)
            notifier.recordMissedOpenings((try? incidents.list(limit: 100_000)) ?? [], activeIncident: activeIncident)
        }

        try await service.start()
        try await service.enforcement?.start()

        let authenticator: any Authenticator
        var bootstrap: String?
        switch configuration.authStrategy {
        case "noauth":
            logger.warning(
                "authentication is off: every request acts as admin (auth_strategy = noauth, loopback only)",
                metadata: ["bind": "\(configuration.bindHost):\(configuration.bindPort)"])
            authenticator = NoAuthenticator()
        case "keystone":
            guard let session else {
                throw ConfigError.unsafe(
                    message:
                        "auth_strategy = keystone needs Keystone credentials: set [openstack] cloud or OS_* variables")
            }
            authenticator = KeystoneAuthenticator(keystoneURL: try keystoneURL(session)) {
                guard let token = try await session.validToken()?.value else {
                    throw ConfigError.unsafe(message: "Keystone gave Agora no token to validate others with")
                }
                return token
            }
        default:
            let tokens = TokenRecords(database: service.database)
            if try tokens.list().isEmpty {
                let issued = try tokens.create(name: "admin", role: .admin)
                bootstrap = issued.plaintext
                let path = (configuration.dataDirectory as NSString).appendingPathComponent("admin-token")
                FileManager.default.createFile(
                    atPath: path, contents: Data((issued.plaintext + "\n").utf8), attributes: [.posixPermissions: 0o600]
                )
                logger.info("created the first admin API key", metadata: ["file": path])
            }
            authenticator = TokenAuthenticator(database: service.database)
        }
        let server = AgoraServer(service: service, authenticator: authenticator, metrics: metrics)
        try server.start()
        return Launcher(service: service, server: server, notifier: notifier, bootstrapToken: bootstrap)
    }

    private init(service: AgoraService, server: AgoraServer, notifier: Notifier?, bootstrapToken: String?) {
        self.service = service
        self.server = server
        self.notifier = notifier
        self.bootstrapToken = bootstrapToken
    }

    public var url: String {
        let host = service.configuration.bindHost
        let scheme = service.configuration.text("DEFAULT", "tls_cert_file").isEmpty ? "http" : "https"
        return "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(server.port ?? 0)"
    }

    public func stop() {
        server.stop()
        service.stop()
        notifier?.stop()
    }

    // MARK: Pieces

    /// The session for the configured cloud, or nil when none is configured.
    static func openStackSession(_ configuration: ServiceConfiguration, logger: Logger) throws -> Session? {
        let cloud = configuration.text("openstack", "cloud")
        let compute = configuration.text("openstack", "compute_endpoint")
        let network = configuration.text("openstack", "network_endpoint")
        let environment = ProcessInfo.processInfo.environment
        let usesEnvironment = environment["OS_CLOUD"] != nil || environment["OS_AUTH_URL"] != nil
        if cloud.isEmpty && compute.isEmpty && network.isEmpty && !usesEnvironment { return nil }

        var config = CloudConfig()
        if !cloud.isEmpty || usesEnvironment {
            config = try CloudConfig.load(cloud: cloud.isEmpty ? nil : cloud)
        }
        let authType = configuration.text("openstack", "auth_type")
        if !authType.isEmpty, let type = AuthType(configName: authType) { config.authType = type }
        if !compute.isEmpty, let url = URL(string: compute) { config.endpointOverrides["compute"] = url }
        if !network.isEmpty, let url = URL(string: network) { config.endpointOverrides["network"] = url }
        return try Session(config: config) { level, message in
            logger.log(level == .error ? .error : (level == .warning ? .warning : .debug), message)
        }
    }

    static func keystoneURL(_ session: Session) throws -> URL {
        guard let url = session.config.authURL else {
            throw ConfigError.unsafe(message: "auth_strategy = keystone needs the cloud's auth_url")
        }
        return url.path.hasSuffix("/v3") ? url : url.appendingPathComponent("v3")
    }

    static func registerGauges(_ metrics: Metrics, service: AgoraService) {
        metrics.gauge("agora_table_rows", help: "Rows per table in the engine.") {
            service.engine.withRuntime { runtime in
                runtime.policyNames.flatMap { policy in
                    runtime.tables(of: policy).map { table in
                        (
                            labels: "table=\"\(Metrics.escape(policy + ":" + table))\"",
                            value: Double(runtime.rowCount(of: policy + ":" + table))
                        )
                    }
                }
            }
        }
        metrics.gauge("agora_datasource_records_read", help: "Records a data source has read.") {
            service.sources.map {
                (labels: "datasource=\"\(Metrics.escape($0.config.name))\"", value: Double($0.status().recordsRead))
            }
        }
        metrics.gauge("agora_datasource_records_rejected", help: "Records a data source rejected as malformed.") {
            service.sources.map {
                (labels: "datasource=\"\(Metrics.escape($0.config.name))\"", value: Double($0.status().recordsRejected))
            }
        }
        metrics.gauge("agora_datasource_rate", help: "Records per second a data source read lately.") {
            service.sources.map {
                (labels: "datasource=\"\(Metrics.escape($0.config.name))\"", value: service.rate($0.config.name))
            }
        }
        metrics.gauge("agora_incidents", help: "Incidents by state.") {
            let incidents = (try? service.incidents.store.list(limit: 100_000)) ?? []
            return Incident.State.allCases.map { state in
                (labels: "state=\"\(state.rawValue)\"", value: Double(incidents.filter { $0.state == state }.count))
            }
        }
    }
}
