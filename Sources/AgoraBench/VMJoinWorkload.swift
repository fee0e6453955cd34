import Datalog
import Foundation

/// The compromised-VM join: 100k VMs with ports and fixed IPs, a blocklist of 1M entries, and
/// packet events inserted one at a time, 1% of them to a blocklisted address.
enum VMJoinWorkload {
    static let exactRule = """
        error(vm, src_ip, dst_ip) :- ids:ip_packet(src_ip, dst_ip), ids:ip_blacklist(dst_ip),
            neutronv2:fixed_ips(port_id=port_id, ip_address=src_ip), neutronv2:ports(id=port_id, device_id=vm),
            nova:servers(id=vm)
        """
    static let networkRule = """
        error(vm, src_ip, dst_ip, net) :- ids:ip_packet(src_ip, dst_ip), blocklist:networks(net, feed, category),
            builtin:ip_in_network(dst_ip, net), neutronv2:fixed_ips(port_id=port_id, ip_address=src_ip),
            neutronv2:ports(id=port_id, device_id=vm), nova:servers(id=vm)
        """

    static func dotted(_ value: UInt32) -> String {
        "\(value >> 24).\((value >> 16) & 255).\((value >> 8) & 255).\(value & 255)"
    }

    static func run(vms: Int, blocklist: Int, events: Int, networks: Bool) throws -> [String: Double] {
        let runtime = PolicyRuntime()
        try runtime.createPolicy("nova", kind: .datasource, schema: ["servers": ["id", "name", "status", "tenant_id"]])
        try runtime.createPolicy(
            "neutronv2", kind: .datasource,
            schema: [
                "ports": ["id", "network_id", "mac_address", "admin_state_up", "device_id", "device_owner"],
                "fixed_ips": ["port_id", "ip_address", "subnet_id"],
            ])
        try runtime.createPolicy(
            "ids", kind: .datasource, schema: ["ip_packet": ["src_ip", "dst_ip"], "ip_blacklist": ["ip"]])
        try runtime.createPolicy("blocklist", kind: .datasource, schema: ["networks": ["network", "feed", "category"]])
        try runtime.createPolicy("classification")
        try runtime.insert(networks ? networkRule : exactRule, into: "classification")

        var servers: [Row] = []
        var ports: [Row] = []
        var fixedIPs: [Row] = []
        var vmAddresses: [Value] = []
        for i in 0..<vms {
            let vm = Value.string("vm-\(i)")
            let port = Value.string("port-\(i)")
            let address = Value.string(dotted(0x0A00_0000 + UInt32(i)))
            servers.append([vm, .string("server-\(i)"), .string("ACTIVE"), .string("tenant-\(i % 100)")])
            ports.append([
                port, .string("net-1"), .string("fa:16:3e:00:00:00"), .string("True"), vm, .string("compute:nova"),
            ])
            fixedIPs.append([port, address, .string("subnet-1")])
            vmAddresses.append(address)
        }
        try runtime.update(table: "nova:servers", inserted: servers, deleted: [])
        try runtime.update(table: "neutronv2:ports", inserted: ports, deleted: [])
        try runtime.update(table: "neutronv2:fixed_ips", inserted: fixedIPs, deleted: [])

        // Blocklisted addresses start at 198.18.0.0 and step by 3, so none is a VM address.
        var listed: [Value] = []
        let clock = ContinuousClock()
        let loadStart = clock.now
        if networks {
            var rows: [Row] = []
            for j in 0..<blocklist {
                let base = 0xC612_0000 &+ UInt32(j) &* 3
                // One entry in ten is a /24 of its own range; the rest are single addresses.
                let text = j % 10 == 0 ? dotted(0x2D00_0000 + UInt32(j / 10) << 8) + "/24" : dotted(base) + "/32"
                rows.append([.string(text), .string("feed-\(j % 4)"), .string("c2")])
                listed.append(.string(j % 10 == 0 ? dotted(0x2D00_0000 + UInt32(j / 10) << 8 + 7) : dotted(base)))
            }
            try runtime.update(table: "blocklist:networks", inserted: rows, deleted: [])
        } else {
            var rows: [Row] = []
            for j in 0..<blocklist {
                let address = Value.string(dotted(0xC612_0000 &+ UInt32(j) &* 3))
                rows.append([address])
                listed.append(address)
            }
            try runtime.update(table: "ids:ip_blacklist", inserted: rows, deleted: [])
        }
        let loadSeconds = Workloads.seconds(clock.now - loadStart)

        // Two event streams: one timed as a whole for throughput, one timed per event for latency.
        var random = SystemRandomNumberGenerator()
        func makeEvents(_ salt: UInt32) -> [Row] {
            (0..<events).map { k in
                let source = vmAddresses[Int.random(in: 0..<vms, using: &random)]
                let hit = k % 100 == 0
                let destination =
                    hit
                    ? listed[Int.random(in: 0..<listed.count, using: &random)]
                    : .string(dotted(0x0808_0000 + salt + UInt32(k)))
                return [source, destination]
            }
        }
        let packets = try runtime.tableHandle("ids:ip_packet", arity: 2)
        let first = makeEvents(0)
        let second = makeEvents(0x0010_0000)

        var flagged = 0
        let start = clock.now
        for event in first { flagged += try runtime.update(packets, row: event).count }
        let throughputSeconds = Workloads.seconds(clock.now - start)

        var latencies: [Int64] = []
        latencies.reserveCapacity(events)
        for event in second {
            let before = clock.now
            flagged += try runtime.update(packets, row: event).count
            let elapsed = clock.now - before
            latencies.append(
                elapsed.components.attoseconds / 1_000_000_000 + elapsed.components.seconds * 1_000_000_000)
        }
        latencies.sort()
        let p99 = Double(latencies[latencies.count * 99 / 100]) / 1000
        let p50 = Double(latencies[latencies.count / 2]) / 1000
        return [
            "events_per_second": Double(events) / throughputSeconds, "p50_us": p50, "p99_us": p99,
            "flagged_updates": Double(flagged), "errors": Double(runtime.rowCount(of: "classification:error")),
            "blocklist_load_seconds": loadSeconds, "peak_bytes": Double(Workloads.peakMemory()),
        ]
    }
}
