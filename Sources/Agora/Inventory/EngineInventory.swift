import Datalog
import Enforcement
import Foundation

/// The guard's view of the cloud, read from the Nova and Neutron tables in the engine at one
/// moment. Building it scans those tables once; lookups are then by hash.
public struct EngineInventory: Inventory {
    private var servers: [String: ServerFacts] = [:]
    private var portsByServer: [String: [PortFacts]] = [:]
    private var portsByAddress: [String: [PortFacts]] = [:]
    public let ageSeconds: Double?

    public var serverCount: Int { servers.count }

    /// Reads the tables. `refreshedAt` is when the Nova and Neutron data sources last succeeded
    /// (the older of the two); nil when either never has.
    public init(engine: PolicyEngine, refreshedAt: Date?, now: Date = Date()) {
        ageSeconds = refreshedAt.map { now.timeIntervalSince($0) }
        let tables = engine.withRuntime { runtime in
            [
                "servers": runtime.rows(of: "nova:servers"), "ports": runtime.rows(of: "neutronv2:ports"),
                "fixed": runtime.rows(of: "neutronv2:fixed_ips"),
                "groups": runtime.rows(of: "neutronv2:security_group_port_bindings"),
                "details": runtime.rows(of: "neutronv2:port_details"),
                "pairs": runtime.rows(of: "neutronv2:allowed_address_pairs"),
            ]
        }
        for row in tables["servers"] ?? [] where row.count >= 5 {
            let facts = ServerFacts(id: text(row[0]), name: text(row[1]), projectID: text(row[4]), status: text(row[3]))
            servers[facts.id] = facts
        }
        let fixed = Dictionary(grouping: tables["fixed"] ?? [], by: { text($0[0]) })
        let groups = Dictionary(grouping: tables["groups"] ?? [], by: { text($0[0]) })
        let details = Dictionary((tables["details"] ?? []).map { (text($0[0]), $0) }, uniquingKeysWith: { a, _ in a })
        let pairs = Dictionary(grouping: tables["pairs"] ?? [], by: { text($0[0]) })
        for row in tables["ports"] ?? [] where row.count >= 9 {
            let id = text(row[0])
            let port = PortFacts(
                id: id, networkID: text(row[3]), projectID: text(row[1]), deviceID: text(row[7]),
                deviceOwner: text(row[8]), macAddress: text(row[4]),
                fixedIPs: (fixed[id] ?? []).map { text($0[1]) }.sorted(),
                allowedAddresses: (pairs[id] ?? []).map { Self.address(text($0[1])) }.sorted(),
                portSecurityEnabled: details[id].map { text($0[1]) != "False" } ?? true,
                adminStateUp: text(row[5]) == "True", securityGroups: (groups[id] ?? []).map { text($0[1]) }.sorted())
            if !port.deviceID.isEmpty { portsByServer[port.deviceID, default: []].append(port) }
            for address in Set(port.fixedIPs + port.allowedAddresses) {
                portsByAddress[address, default: []].append(port)
            }
        }
    }

    public func server(_ id: String) -> ServerFacts? { servers[id] }

    public func ports(ofServer id: String) -> [PortFacts] { portsByServer[id] ?? [] }

    public func ports(withAddress address: String) -> [PortFacts] { portsByAddress[address] ?? [] }

    /// A host entry (`192.0.2.100/32`) as its address; wider networks stay as they are.
    private static func address(_ network: String) -> String {
        if network.hasSuffix("/32") || network.hasSuffix("/128") {
            return String(network[..<network.lastIndex(of: "/")!])
        }
        return network
    }
}

private func text(_ value: Value) -> String { value.string ?? value.description }
