import Foundation

/// Where the dashboard under test runs and which tokens log in to it, set in this one place.
///
/// Today it starts `FixtureServer`, which serves the dashboard's files and canned API responses. When the
/// service can serve the dashboard itself, replace `start()` with one that runs `agora serve` (simulated
/// cloud, replayed EVE file) and creates the three API keys. The tests need no other change.
struct DashboardTarget: Sendable {
    /// Scheme, host and port, without a trailing slash: `http://127.0.0.1:PORT`.
    let baseURL: String
    let adminToken: String
    let operatorToken: String
    let viewerToken: String
    /// Stops whatever `start()` started.
    let stop: @Sendable () -> Void

    var dashboardURL: String { baseURL + "/dashboard/" }

    /// The repository's root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let dashboardDirectory = repositoryRoot.appendingPathComponent("Sources/Agora/Resources/dashboard")

    /// Screenshots the tests take, kept as build artifacts.
    static let screenshotDirectory = repositoryRoot.appendingPathComponent(".build/dashboard-screenshots")

    static func start() throws -> DashboardTarget {
        let server = try FixtureServer.start(dashboard: dashboardDirectory)
        return DashboardTarget(
            baseURL: server.baseURL, adminToken: FixtureServer.adminToken, operatorToken: FixtureServer.operatorToken,
            viewerToken: FixtureServer.viewerToken, stop: { server.stop() })
    }
}

extension DashboardTarget {
    /// Makes the service open incident `id` for VM `vmName` in project `proj-a`, with one action waiting
    /// for approval, so that the event stream announces it.
    ///
    /// The fixture server takes the incident from `POST /fixture/incidents`, sent here from inside the page.
    /// With `agora serve`, replace this with appending an EVE record for a blocklisted destination to the
    /// replayed file.
    func openIncident(id: String, vmName: String, on page: BrowserPage) async throws {
        let incident: JSONValue = [
            "id": .string(id), "policy": "compromised_vm", "vm_id": "vm-live", "vm_name": .string(vmName),
            "project_id": "proj-a", "source_ip": "10.0.0.77", "external_ips": ["203.0.113.9"], "state": "open",
            "first_seen": "2030-01-01T00:00:00.000Z", "last_seen": "2030-01-01T00:00:00.000Z", "error_rows": 1,
            "evidence": [], "evidence_count": 0, "proof": .null, "attribution_warning": .null, "notes": [],
            "actions": [
                [
                    "id": "act-live", "response": "quarantine", "state": "awaiting_approval",
                    "incident_id": .string(id),
                    "target": ["vm_id": "vm-live", "address": "10.0.0.77", "project_id": "proj-a"],
                ]
            ],
        ]
        let body = jsString(incident.description)
        let status = try await page.evaluate(
            "fetch('/fixture/incidents', { method: 'POST', body: \(body) }).then((response) => response.status)")
        guard status == 201 else {
            throw BrowserError.protocolError(method: "POST /fixture/incidents", message: "HTTP status \(status)")
        }
    }
}
