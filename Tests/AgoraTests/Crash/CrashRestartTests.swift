import Agora
import Enforcement
import Foundation
import OpenStack
import Store
import Testing

/// Kills `agora serve` with SIGKILL 50 times, at seeded random moments while it ingests an EVE
/// file and quarantines VMs. After each restart and at the end, the test checks that no
/// incident was lost or doubled, that no quarantine reached the cloud twice, and that each
/// incident's `incident.opened` notification reached a webhook receiver under one delivery id.
///
/// The simulated cloud lives in the child's memory, so the child keeps its state in a file
/// (`--simulated-state`) with a journal of every change that took effect. A quarantine that ran
/// twice shows as two journal entries that put the same port into the quarantine group.
/// Set `AGORA_CRASH_SEED` to replay a run (the seed and each delay are printed), and
/// `AGORA_CRASH_KEEP` to keep the data directory, the state file and each start's log.
@Suite(.serialized) struct CrashRestartTests {
    static let cycles = 50
    /// The VMs of the demo cloud that get infected, one every ten cycles; `fw-1` stays clean.
    static let victims = ["web-1", "web-2", "db-1", "db-2", "bastion"]
    static let addresses = ["10.10.1.11", "10.10.1.12", "10.20.1.11", "10.20.1.12", "10.30.1.11", "10.30.1.12"]

    static func configText(dataDirectory: URL, eve: URL, feed: URL, webhook: String) -> String {
        """
        [DEFAULT]
        data_dir = \(dataDirectory.path)
        log_level = warning

        [notifications]
        webhook_url = \(webhook)
        retry_base_seconds = 1

        [enforcement]
        default_mode = enforce
        max_actions = 1000
        max_actions_global = 1000
        max_percent_servers = 100

        [datasource ids]
        driver = ids
        files = \(eve.path)
        poll_interval_ms = 20

        [datasource blocklist]
        driver = blocklist
        feeds = c2=\(feed.path)

        """
    }

    static func append(_ lines: [String], to file: URL) throws {
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    @Test func killDuringIngestAndExecution() async throws {
        let seed =
            ProcessInfo.processInfo.environment["AGORA_CRASH_SEED"].flatMap { UInt64($0) }
            ?? UInt64(Date().timeIntervalSince1970 * 1000)
        print("crash test: seed \(seed) (set AGORA_CRASH_SEED=\(seed) to replay)")
        var random = SeededGenerator(seed: seed)

        let directory = try TestSupport.temporaryDirectory()
        let keep = ProcessInfo.processInfo.environment["AGORA_CRASH_KEEP"] != nil
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        if keep { print("crash test: keeping \(directory.path)") }
        let dataDirectory = directory.appendingPathComponent("data")
        let eve = directory.appendingPathComponent("eve.json")
        let feed = directory.appendingPathComponent("c2-feed.txt")
        let config = directory.appendingPathComponent("agora.conf")
        let state = directory.appendingPathComponent("cloud-state.json")
        FileManager.default.createFile(atPath: eve.path, contents: nil)
        try DemoTraffic.feed.write(to: feed, atomically: true, encoding: .utf8)
        let receiver = try WebhookReceiver()
        try Self.configText(dataDirectory: dataDirectory, eve: eve, feed: feed, webhook: receiver.url)
            .write(to: config, atomically: true, encoding: .utf8)

        let server = try CrashableServer(
            configFile: config, stateFile: state, logDirectory: directory, latencyMilliseconds: 40)
        try await server.start()
        let client = TestHTTPClient(base: server.url)
        let library = try await client.call("GET", "/v1/librarypolicies?name=compromised_vm").json
        let libraryID = try #require(library["results"]?.arrayValue?.first?["id"]?.stringValue)
        let created = try await client.call("POST", "/v1/policies?library_policy=\(libraryID)")
        #expect(created.status == 201)

        let cloud = SimulatedCloud.demo()
        let vmIDs = try Self.victims.map { try #require(cloud.serverID(named: $0)) }
        var traffic = DemoTraffic(sources: Self.addresses)
        var infected: [String] = []
        var known: Set<String> = []
        var step = 0

        for cycle in 0..<Self.cycles {
            var lines: [String] = []
            for _ in 0..<20 {
                lines.append(traffic.ordinary(step: step))
                step += 1
            }
            if cycle % 10 == 0 {
                let index = cycle / 10
                infected.append(vmIDs[index])
                lines += traffic.infection(from: Self.addresses[index])
            }
            try Self.append(lines, to: eve)

            let delay = UInt64.random(in: 0...400, using: &random)
            print("crash test: cycle \(cycle), SIGKILL after \(delay) ms")
            try await Task.sleep(nanoseconds: delay * 1_000_000)
            server.kill()
            try await server.start()

            // Every incident seen before a kill is still there, and no VM has two active ones.
            let incidents = try await client.call("GET", "/v1/incidents").json["results"]?.arrayValue ?? []
            let ids = Set(incidents.compactMap { $0["id"]?.stringValue })
            #expect(known.isSubset(of: ids), "cycle \(cycle): lost \(known.subtracting(ids))")
            known.formUnion(ids)
            let active = incidents.filter { $0["state"] != "resolved" }.compactMap { $0["vm_id"]?.stringValue }
            #expect(active.count == Set(active).count, "cycle \(cycle): a VM has two active incidents: \(active)")
        }

        // Let the last run catch up: every infected VM has a verified quarantine. An incident may
        // stay open beside it when a kill fell between the verification and the incident update.
        _ = try await client.poll("/v1/actions", seconds: 30) { json in
            let verified = (json["results"]?.arrayValue ?? []).filter { $0["state"] == "verified" }
            return Set(verified.compactMap { $0["target"]?["vm_id"]?.stringValue }) == Set(infected)
        }
        let settled = try await client.call("GET", "/v1/incidents").json
        let incidentIDs = Set((settled["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
        let announced = try await Self.openedDeliveries(receiver, covering: incidentIDs)
        server.stop()

        // A kill between a post and its outbox update sends the same delivery again, and
        // receivers drop the copy by its X-Agora-Delivery id. A second id would be a second event.
        for id in incidentIDs {
            #expect(announced[id]?.count == 1, "incident \(id): incident.opened deliveries \(announced[id] ?? [])")
        }

        let incidents = settled["results"]?.arrayValue ?? []
        for vm in infected {
            let open = incidents.filter { $0["vm_id"]?.stringValue == vm && $0["state"] != "resolved" }
            #expect(open.count == 1, "VM \(vm): \(open.count) open or contained incidents")
            #expect(open.allSatisfy { $0["state"] == "open" || $0["state"] == "contained" })
        }
        let strangers = incidents.compactMap { $0["vm_id"]?.stringValue }.filter { !infected.contains($0) }
        #expect(strangers.isEmpty, "incidents for VMs never infected: \(strangers)")

        try Self.checkLedger(dataDirectory: dataDirectory, infected: infected)
        try Self.checkJournal(state, cloud: cloud, infected: infected)
    }

    /// Waits up to 30 seconds until the receiver has an `incident.opened` post for every incident,
    /// and returns the distinct delivery ids of those posts by incident.
    static func openedDeliveries(_ receiver: WebhookReceiver, covering incidents: Set<String>) async throws
        -> [String: Set<String>]
    {
        var deliveries: [String: Set<String>] = [:]
        let deadline = Date().addingTimeInterval(30)
        repeat {
            deliveries = [:]
            for request in receiver.requests where request.headers["X-Agora-Event"] == "incident.opened" {
                let body = try JSON.parse(Data(request.body), source: "webhook body")
                guard let incident = body["incident_id"]?.stringValue else { continue }
                deliveries[incident, default: []].insert(request.headers["X-Agora-Delivery"] ?? "")
            }
            if incidents.isSubset(of: Set(deliveries.keys)) { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        } while Date() < deadline
        return deliveries
    }

    /// Checks for one quarantine action per infected VM and at most one `executed` step per action.
    static func checkLedger(dataDirectory: URL, infected: [String]) throws {
        let database = try Store.open(dataDirectory.appendingPathComponent("agora.db").path)
        defer { database.close() }
        let actions = try database.read { sql in
            try sql.query("SELECT id, vm_id, state, reason FROM actions WHERE response = 'quarantine' ORDER BY id", [])
        }
        for action in actions {
            let id = action.optionalInt("id") ?? 0
            let vm = action.optionalString("vm_id") ?? ""
            print(
                "crash test: action \(id) on \(vm): \(action.optionalString("state") ?? "") (\(action.optionalString("reason") ?? ""))"
            )
        }
        let byVM = Dictionary(grouping: actions, by: { $0.optionalString("vm_id") ?? "" })
        #expect(Set(byVM.keys) == Set(infected))
        for (vm, records) in byVM { #expect(records.count == 1, "VM \(vm) has \(records.count) quarantine actions") }

        let steps = try database.read { sql in
            try sql.query(
                """
                SELECT action_id, SUM(CASE WHEN kind = 'executing' THEN 1 ELSE 0 END) AS executing,
                    SUM(CASE WHEN kind = 'executed' THEN 1 ELSE 0 END) AS executed
                FROM action_events GROUP BY action_id ORDER BY action_id
                """, [])
        }
        for row in steps {
            let id = try row.int("action_id")
            let executing = try row.int("executing")
            let executed = try row.int("executed")
            print("crash test: action \(id): \(executing) executing steps, \(executed) executed")
            #expect(executed <= 1, "action \(id) has \(executed) executed steps")
        }
    }

    /// Checks that each infected VM's port entered the quarantine group exactly once, and no other port did.
    static func checkJournal(_ state: URL, cloud: SimulatedCloud, infected: [String]) throws {
        let changes = try SimulatedCloudJournal.changes(in: state)
        let entered = changes.filter { $0.field == "security_groups" && $0.after != "" && $0.before != $0.after }
        let quarantinedPorts = Set(infected.flatMap { cloud.ports(ofDevice: $0).map(\.id) })
        for port in quarantinedPorts {
            let count = entered.filter { $0.resource == port }.count
            #expect(count == 1, "port \(port) changed groups \(count) times: \(entered.filter { $0.resource == port })")
        }
        let others = entered.filter { !quarantinedPorts.contains($0.resource) }
        #expect(others.isEmpty, "ports of VMs never infected changed: \(others)")
    }
}
