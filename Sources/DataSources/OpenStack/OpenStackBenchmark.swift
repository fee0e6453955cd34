import Datalog
import Foundation
import OpenStack

/// Measures the OpenStack data sources without a cloud: translation of recorded-size pages and
/// the CPU that a poll of an unchanged cloud costs beyond its HTTP calls.
///
/// The pages are generated in the shape Nova and Neutron list them: each server has two ports,
/// each port two fixed IPs (IPv4 and IPv6) and one security group.
public enum OpenStackBenchmark {
    public struct Report: Sendable {
        public var servers: Int
        public var ports: Int
        public var translatedRows: Int
        public var translateSeconds: Double
        public var loadSeconds: Double
        public var unchangedPollSeconds: Double

        public var rowsPerSecond: Double { Double(translatedRows) / translateSeconds }

        /// One line per measurement, for `agora-bench openstack`.
        public var lines: [String] {
            [
                "openstack: \(servers) servers, \(ports) ports",
                String(
                    format: "translate: %d rows in %.3f s (%.0f rows/s)", translatedRows, translateSeconds,
                    rowsPerSecond),
                String(format: "initial load into the row index with deltas: %.3f s", loadSeconds),
                String(format: "no-change poll, CPU beyond HTTP: %.1f ms", unchangedPollSeconds * 1000),
            ]
        }
    }

    public static func run(servers: Int = 10_000) -> Report {
        let portCount = servers * 2
        let serverObjects = (0..<servers).map(server)
        let portObjects = (0..<portCount).map(port)

        // Translation alone.
        var start = Date()
        var translated: [(String, [String: [Row]])] = []
        translated.reserveCapacity(servers + portCount)
        for object in serverObjects {
            translated.append(("servers/\(object["id"]!.stringValue!)", NovaTables.servers.translate(object)))
        }
        for object in portObjects {
            translated.append(("ports/\(object["id"]!.stringValue!)", NeutronTables.ports.translate(object)))
        }
        let translateSeconds = Date().timeIntervalSince(start)
        let rowCount = translated.reduce(0) { $0 + $1.1.values.reduce(0) { $0 + $1.count } }

        // First poll: every object enters the index and every row leaves as an insertion.
        start = Date()
        var index = ObjectRowIndex()
        for (key, tables) in translated { index.replace(key, with: tables) }
        _ = index.takeDeltas(service: "bench")
        let loadSeconds = Date().timeIntervalSince(start)

        // A poll of an unchanged cloud: parse the id/revision listing of every port and compare
        // it with the revisions seen, and parse Nova's empty changes-since page.
        var known: [String: Int64] = [:]
        for object in portObjects { known[object["id"]!.stringValue!] = object["revision_number"]!.intValue! }
        let summaryText = JSON.object([
            "ports": .array(portObjects.map { ["id": $0["id"]!, "revision_number": $0["revision_number"]!] })
        ]).data
        let emptyServers = JSON.object(["servers": .array([])]).data

        start = Date()
        let summary = (try? RevisionPage.decode(summaryText, source: "bench"))?.entries ?? []
        let (_, changed, _) = NeutronDriver.compareRevisions(summary, known: known)
        precondition(summary.count == portCount, "the id/revision listing did not decode")
        _ = try? JSON.parse(emptyServers, source: "bench")
        let deltas = index.takeDeltas(service: "bench")
        let unchangedPollSeconds = Date().timeIntervalSince(start)
        precondition(changed.isEmpty && deltas.isEmpty, "an unchanged cloud produced changes")

        return Report(
            servers: servers, ports: portCount, translatedRows: rowCount, translateSeconds: translateSeconds,
            loadSeconds: loadSeconds, unchangedPollSeconds: unchangedPollSeconds)
    }

    private static func uuid(_ kind: UInt32, _ number: Int) -> String {
        String(format: "%08x-0000-4000-8000-%012x", kind, number)
    }

    private static func server(_ number: Int) -> JSON {
        let ports = [port(number * 2), port(number * 2 + 1)]
        var addresses: [String: JSON] = [:]
        for (slot, port) in ports.enumerated() {
            addresses["net-\(slot)"] = .array(
                (port["fixed_ips"]?.arrayValue ?? []).map { fixed in
                    let address = fixed["ip_address"]!
                    let version: JSON = address.stringValue!.contains(":") ? 6 : 4
                    return [
                        "addr": address, "version": version, "OS-EXT-IPS:type": "fixed",
                        "OS-EXT-IPS-MAC:mac_addr": port["mac_address"]!,
                    ]
                })
        }
        return [
            "id": .string(uuid(1, number)), "name": .string("vm-\(number)"), "hostId": "host-hash", "status": "ACTIVE",
            "tenant_id": "project-1", "user_id": "user-1", "image": ["id": "image-1"], "flavor": ["id": "1"],
            "OS-EXT-AZ:availability_zone": "nova", "OS-EXT-SRV-ATTR:hypervisor_hostname": "compute-1",
            "created": "2024-05-01T10:00:00Z", "updated": "2024-05-01T10:00:00Z", "addresses": .object(addresses),
            "tags": [],
        ]
    }

    private static func port(_ number: Int) -> JSON {
        let high = (number >> 8) & 0xff
        let low = number & 0xff
        return [
            "id": .string(uuid(2, number)), "project_id": "project-1", "name": "", "network_id": "net-1",
            "mac_address": .string(String(format: "fa:16:3e:%02x:%02x:%02x", (number >> 16) & 0xff, high, low)),
            "admin_state_up": true, "status": "ACTIVE", "device_id": .string(uuid(1, number / 2)),
            "device_owner": "compute:nova", "port_security_enabled": true, "revision_number": 3,
            "fixed_ips": [
                ["ip_address": .string("10.\(number >> 16).\(high).\(low)"), "subnet_id": "subnet-4"],
                ["ip_address": .string(String(format: "2001:DB8::%x", number)), "subnet_id": "subnet-6"],
            ],
            "security_groups": ["sg-web"], "allowed_address_pairs": [],
        ]
    }
}
