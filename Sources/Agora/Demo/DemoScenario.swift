import DataSources
import Datalog
import Enforcement
import Foundation
import OpenStack

/// `agora demo`: a simulated cloud, generated IDS traffic, the compromised-VM policy in enforce
/// mode, and a narrative of what happens, from the first alert to the verified quarantine.
public final class DemoScenario: @unchecked Sendable {
    public struct Options: Sendable {
        public var bindHost = "127.0.0.1"
        public var bindPort = 1789
        /// Replay this EVE file instead of the generated traffic.
        public var eveFile: String?
        /// Seconds of ordinary traffic before the infected VM calls out.
        public var quietSeconds = 3.0
        /// How long to wait for the quarantine before giving up.
        public var timeoutSeconds = 60.0
        /// Whether the service keeps running after the scenario, so that the dashboard and the
        /// release command it prints can be used (false for `--once`).
        public var keepsRunning = true

        public init() {}
    }

    /// What the scenario ended with, for `--once` and tests.
    public struct Outcome: Sendable {
        public var incidentID: String?
        public var contained: Bool
        public var actions: [String]
        public var url: String
    }

    public let options: Options
    private let say: @Sendable (String) -> Void
    private var launcher: Launcher?
    private var generator: Thread?
    public let cloud = SimulatedCloud.demo()
    public let directory: URL

    /// The VM that the generated traffic infects.
    public static let infectedName = "web-1"

    public init(options: Options, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("agora-demo-\(UUID().uuidString)")
    }

    public var url: String { launcher?.url ?? "" }

    /// Starts everything and runs the scenario until the VM is contained (or the time runs out).
    public func run() async throws -> Outcome {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let feed = directory.appendingPathComponent("c2-feed.txt")
        try DemoTraffic.feed.write(to: feed, atomically: true, encoding: .utf8)
        let eve = options.eveFile.map { URL(fileURLWithPath: $0) } ?? directory.appendingPathComponent("eve.json")
        if options.eveFile == nil { FileManager.default.createFile(atPath: eve.path, contents: nil) }

        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.path)
        try configuration.set("DEFAULT", "bind_host", options.bindHost)
        try configuration.set("DEFAULT", "bind_port", String(options.bindPort))
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        try configuration.set("enforcement", "default_mode", "enforce")
        configuration.dataSources = [
            DataSourceConfig(name: "simulated", driver: "simulated", description: "the demo's simulated cloud"),
            DataSourceConfig(name: "blocklist", driver: "blocklist", options: ["feeds": "c2=" + feed.path]),
            DataSourceConfig(name: "ids", driver: "ids", options: ["files": eve.path, "poll_interval_ms": "50"]),
        ]

        say("Starting Agora \(AgoraVersion.current) with a simulated cloud (store in \(directory.path))")
        let launcher = try await Launcher.start(
            configuration: configuration, simulatedCloud: cloud, logger: Logger(label: "agora", level: .error))
        self.launcher = launcher
        let service = launcher.service
        service.settle()
        describeSources(service)
        subscribe(service)

        let template = try service.library.policy("compromised_vm")!
        let (policy, rules) = try service.catalog.createPolicy(
            name: template.name, description: template.description, kind: template.kind, rules: template.rules,
            mode: "enforce", by: Actor(user: "demo"))
        say("Policy \(policy.name): \(rules.count) rules, mode \(policy.mode), response: quarantine")

        if options.eveFile == nil {
            startTraffic(eve)
        } else {
            say("Replaying \(eve.path)")
        }
        let outcome = await waitForContainment(service)
        guard options.keepsRunning else { return outcome }
        say("")
        say("Dashboard: \(launcher.url)/dashboard/")
        if let id = outcome.incidentID {
            say("Release the VM from the command line:")
            say("  agora incident release \(id) --url \(launcher.url)")
        }
        return outcome
    }

    public func stop() {
        generator?.cancel()
        launcher?.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Narrative

    private func describeSources(_ service: AgoraService) {
        let counts = service.engine.withRuntime { runtime in
            (
                servers: runtime.rowCount(of: "nova:servers"), ports: runtime.rowCount(of: "neutronv2:ports"),
                listed: runtime.rowCount(of: "blocklist:networks")
            )
        }
        say("Data source simulated: \(counts.servers) servers, \(counts.ports) ports")
        say("Data source blocklist: \(counts.listed) entries from feed c2")
        say("Data source ids: following Suricata EVE output")
    }

    private func subscribe(_ service: AgoraService) {
        _ = service.events.subscribe { [say] event in
            let payload = event.payload
            switch event.kind {
            case "incident.opened":
                say("")
                say(
                    "ALERT: \(payload["vm_name"]?.stringValue ?? "?") (\(payload["source_ip"]?.stringValue ?? "?")) "
                        + "contacted \(payload["external_ips"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? "?")"
                )
                say("Incident \(payload["id"]?.stringValue ?? "?") opened; evidence:")
                for item in payload["evidence"]?.arrayValue ?? [] {
                    say("  \(item["row"]?.stringValue ?? "")")
                }
                say("Why (proof of the error row):")
                for line in ProofJSON.text(payload["proof"] ?? .null, indent: "  ", maxDepth: 2).split(separator: "\n")
                {
                    say(String(line))
                }
            case let kind where kind.hasPrefix("action."):
                let response = payload["response"]?.stringValue ?? payload["action"]?.stringValue ?? "action"
                let step = String(kind.dropFirst("action.".count))
                let detail = payload["events"]?.arrayValue?.last?["detail"]?.stringValue ?? ""
                say(
                    "Action \(response) #\(payload["id"]?.intValue ?? 0): \(step)\(detail.isEmpty ? "" : " - " + detail)"
                )
            case "incident.contained":
                say("Incident \(payload["id"]?.stringValue ?? "?") contained: the VM is isolated and verified")
            default:
                break
            }
        }
    }

    private func startTraffic(_ eve: URL) {
        let infected = cloud.ports(ofDevice: cloud.serverID(named: Self.infectedName) ?? "").first?.fixedIPs.first?
            .address
        let sources = cloud.servers().compactMap { server -> String? in
            server["addresses"]?.objectValue?.values.first?.arrayValue?.first?["addr"]?.stringValue
        }
        let quiet = options.quietSeconds
        let say = self.say
        let thread = Thread {
            guard let handle = try? FileHandle(forWritingTo: eve) else { return }
            defer { try? handle.close() }
            var traffic = DemoTraffic(sources: sources.isEmpty ? ["10.10.1.12"] : sources)
            let start = Date()
            var step = 0
            var infectedSent = false
            while !Thread.current.isCancelled {
                handle.write(Data((traffic.ordinary(step: step) + "\n").utf8))
                step += 1
                if !infectedSent, Date().timeIntervalSince(start) >= quiet, let infected {
                    say("")
                    say("IDS: \(Self.infectedName) (\(infected)) opens a connection to \(DemoTraffic.blocklisted[0])")
                    for line in traffic.infection(from: infected) { handle.write(Data((line + "\n").utf8)) }
                    infectedSent = true
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        thread.name = "agora-demo-traffic"
        generator = thread
        thread.start()
    }

    private func waitForContainment(_ service: AgoraService) async -> Outcome {
        let deadline = Date().addingTimeInterval(options.timeoutSeconds + options.quietSeconds)
        var incident: Incident?
        while Date() < deadline {
            incident = (try? service.incidents.store.list())?.first
            if incident?.state == .contained { break }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        let actions = incident.map { service.actions(ofIncident: $0.id) } ?? []
        return Outcome(
            incidentID: incident?.id, contained: incident?.state == .contained,
            actions: actions.map { "\($0.response?.rawValue ?? $0.action) \($0.state.rawValue)" }, url: url)
    }
}
