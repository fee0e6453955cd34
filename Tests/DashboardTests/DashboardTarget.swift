import Agora
import Foundation
import Store

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where the dashboard under test runs and which tokens sign in to it, set in this one place.
///
/// `start` runs the built `agora serve --auth token --simulated-cloud --config FILE` on a free 127.0.0.1
/// port with a temporary data directory. The configuration follows an EVE file that the tests append to
/// (data source `ids`) and a feed file listing the demo's command-and-control addresses (data source
/// `blocklist`). The service runs the library policy `compromised_vm` in approve mode, so an infection
/// opens an incident whose quarantine waits for approval.
final class DashboardTarget: @unchecked Sendable {
    /// Scheme, host and port, without a trailing slash: `http://127.0.0.1:PORT`.
    let baseURL: String
    let adminToken: String
    /// An operator key limited to the project of `web-1`.
    let operatorToken: String
    /// A viewer key limited to the project of `web-1`.
    let viewerToken: String
    /// The id of the simulated cloud's project `web`, which holds `web-1` and `web-2`.
    private(set) var webProjectID = ""
    /// The EVE file the `ids` data source follows.
    let eveFile: URL
    let workDirectory: URL
    private let process: Process
    private var traffic = DemoTraffic(sources: ["10.10.1.11", "10.10.1.12", "10.20.1.11"])

    var dashboardURL: String { baseURL + "/dashboard/" }

    /// The repository's root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Screenshots the tests take, kept as build artifacts.
    static let screenshotDirectory = repositoryRoot.appendingPathComponent(".build/dashboard-screenshots")

    /// The `agora` executable built next to the test bundle, or in `.build/debug`.
    static var agoraBinary: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("agora")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return repositoryRoot.appendingPathComponent(".build/debug/agora")
    }

    /// The simulated cloud's `web-1`, which `infect` makes contact a blocklisted address.
    static let infectedAddress = "10.10.1.11"

    private init(
        baseURL: String, tokens: (admin: String, operator: String, viewer: String), eveFile: URL,
        workDirectory: URL, process: Process
    ) {
        self.baseURL = baseURL
        self.adminToken = tokens.admin
        self.operatorToken = tokens.operator
        self.viewerToken = tokens.viewer
        self.eveFile = eveFile
        self.workDirectory = workDirectory
        self.process = process
    }

    /// Starts the service and sets it up: operator and viewer keys, the policy in approve mode, and some
    /// ordinary traffic in the EVE file. `seed` writes to the store before the service opens it.
    static func start(seed: ((any Database) throws -> Void)? = nil) async throws -> DashboardTarget {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("agora-dashboard-\(UUID().uuidString)")
        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let eve = work.appendingPathComponent("eve.json")
        let feed = work.appendingPathComponent("c2.txt")
        let config = work.appendingPathComponent("agora.conf")
        FileManager.default.createFile(atPath: eve.path, contents: nil)
        try DemoTraffic.feed.write(to: feed, atomically: true, encoding: .utf8)
        try """
        [DEFAULT]
        log_level = warning

        [datasource ids]
        driver = ids
        files = \(eve.path)
        poll_interval_ms = 50

        [datasource blocklist]
        driver = blocklist
        feeds = c2=\(feed.path)
        """.write(to: config, atomically: true, encoding: .utf8)

        if let seed {
            let database = try Store.open(data.appendingPathComponent("agora.db").path)
            _ = try Migrator.apply(IncidentStore.migrations, to: database)
            try seed(database)
        }

        let port = try freePort()
        let process = Process()
        process.executableURL = agoraBinary
        process.arguments = [
            "serve", "--config", config.path, "--data-dir", data.path, "--bind", "127.0.0.1:\(port)",
            "--auth", "token", "--simulated-cloud",
        ]
        let log = work.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()

        let baseURL = "http://127.0.0.1:\(port)"
        do {
            try await waitForHealth(baseURL: baseURL, process: process, log: log)
            let admin = try String(contentsOf: data.appendingPathComponent("admin-token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let client = APIClient(baseURL: baseURL, token: admin)
            let web = try await projectID(ofServer: "web-1", client: client)
            let operatorKey = try await client.createToken(name: "olga", role: "operator", project: web)
            let viewerKey = try await client.createToken(name: "victor", role: "viewer", project: web)
            _ = try await client.send("POST", "/v1/policies?library_policy=compromised_vm", body: [:], expect: 201)
            _ = try await client.send("PUT", "/v1/policies/compromised_vm/mode", body: ["mode": "approve"])

            let target = DashboardTarget(
                baseURL: baseURL, tokens: (admin, operatorKey, viewerKey), eveFile: eve, workDirectory: work,
                process: process)
            try target.appendOrdinaryTraffic(count: 30)
            target.webProjectID = web
            return target
        } catch {
            stop(process)
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: work)
            throw DashboardTargetError.setupFailed(error: "\(error)", log: output)
        }
    }

    /// Stops the service by its PID and removes its work folder.
    func stop() {
        Self.stop(process)
        try? FileManager.default.removeItem(at: workDirectory)
    }

    /// An API client with the admin key.
    var admin: APIClient { APIClient(baseURL: baseURL, token: adminToken) }

    /// Appends `count` ordinary DNS, TLS and HTTP records to the EVE file.
    func appendOrdinaryTraffic(count: Int) throws {
        let lines = (0..<count).map { traffic.ordinary(step: $0) }
        try append(lines)
    }

    /// Appends `web-1`'s alert and flow to a blocklisted address, waits until the service has opened the
    /// incident with its quarantine waiting for approval, and returns the incident's id.
    @discardableResult
    func infect() async throws -> String {
        try append(traffic.infection(from: Self.infectedAddress))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let list = try await admin.send("GET", "/v1/incidents")
            let incident = list["results"]?.arrayValue?.first { $0["source_ip"] == .string(Self.infectedAddress) }
            let waiting = incident?["actions"]?.arrayValue?.contains { $0["state"] == "held" } ?? false
            if let id = incident?["id"]?.stringValue, waiting { return id }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DashboardTargetError.noIncident(address: Self.infectedAddress)
    }

    func append(_ lines: [String]) throws {
        let handle = try FileHandle(forWritingTo: eveFile)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Reads the tenant of server `name` from the simulated cloud's `nova:servers` rows (name is column 2,
    /// tenant_id column 5).
    private static func projectID(ofServer name: String, client: APIClient) async throws -> String {
        let rows = try await client.send("GET", "/v1/data-sources/simulated/tables/nova:servers/rows")
        let server = rows["results"]?.arrayValue?.first { $0["data"]?[1] == .string(name) }
        guard let project = server?["data"]?[4]?.stringValue else {
            throw DashboardTargetError.unexpectedStatus(
                request: "GET nova:servers rows", status: 200, body: "no server named \(name)")
        }
        return project
    }

    private static func waitForHealth(baseURL: String, process: Process, log: URL) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else { throw DashboardTargetError.exited(status: process.terminationStatus) }
            var request = URLRequest(url: URL(string: baseURL + "/healthz")!)
            request.timeoutInterval = 2
            if let (_, response) = try? await URLSession.shared.data(for: request),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DashboardTargetError.notHealthy(url: baseURL)
    }

    /// SIGTERM to the service's PID, then SIGKILL if it still runs five seconds later.
    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Returns a loopback TCP port that was free a moment ago: the kernel picks it for a socket bound to
    /// port 0, and the socket is closed before the service binds it.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw POSIXError(.EINVAL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// JSON requests to the service under test, with one API key.
struct APIClient: Sendable {
    let baseURL: String
    let token: String

    /// Sends a request and returns the parsed body; throws unless the status is `expect`.
    @discardableResult
    func send(_ method: String, _ path: String, body: JSONValue? = nil, expect: Int = 200) async throws -> JSONValue {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        request.setValue(token, forHTTPHeaderField: "X-Auth-Token")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try body.serialized()
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == expect else {
            let text = String(decoding: data, as: UTF8.self)
            throw DashboardTargetError.unexpectedStatus(request: "\(method) \(path)", status: status, body: text)
        }
        if data.isEmpty { return .null }
        return try JSONValue(data: data)
    }

    /// Creates an API key with `POST /v1/tokens` and returns its plaintext.
    func createToken(name: String, role: String, project: String) async throws -> String {
        let created = try await send(
            "POST", "/v1/tokens", body: ["name": .string(name), "role": .string(role), "project_id": .string(project)],
            expect: 201)
        guard let token = created["token"]?.stringValue else {
            throw DashboardTargetError.unexpectedStatus(request: "POST /v1/tokens", status: 201, body: "\(created)")
        }
        return token
    }
}

enum DashboardTargetError: Error, CustomStringConvertible {
    case exited(status: Int32)
    case notHealthy(url: String)
    case setupFailed(error: String, log: String)
    case unexpectedStatus(request: String, status: Int, body: String)
    case noIncident(address: String)

    var description: String {
        switch self {
        case .exited(let status): return "agora serve exited with status \(status) before it became healthy"
        case .notHealthy(let url): return "agora serve at \(url) did not answer GET /healthz with 200 within 60 s"
        case .setupFailed(let error, let log): return "setting up agora serve failed: \(error)\nits output:\n\(log)"
        case .unexpectedStatus(let request, let status, let body):
            return "\(request) returned HTTP \(status): \(body)"
        case .noIncident(let address):
            return "no incident with an action waiting for approval opened for \(address) within 20 s"
        }
    }
}
