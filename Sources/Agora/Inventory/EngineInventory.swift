import Datalog
import Enforcement
import Foundation

/// The guard's view of the cloud, read from the Nova and Neutron tables in the engine.
///
/// Each lookup reads only the rows of the server, port or address it is asked about, at the
/// moment it is asked: one scan of the interned rows of each table it touches, under the
/// engine's lock. Building the inventory costs nothing, so a decision about one VM does not pay
/// for the size of the cloud.
public struct EngineInventory: Inventory {
    private let engine: PolicyEngine
    public let ageSeconds: Double?

    public var serverCount: Int { engine.withRuntime { $0.rowCount(of: "nova:servers") } }

    /// `refreshedAt` is when the Nova and Neutron data sources last succeeded (the older of the
    /// two); nil when either never has.
    public init(engine: PolicyEngine, refreshedAt: Date?, now: Date = Date()) {
        self.engine = engine
        ageSeconds = refreshedAt.map { now.timeIntervalSince($0) }
    }

    public func server(_ id: String) -> ServerFacts? {
        let rows = engine.withRuntime { $0.rows(of: "nova:servers", column: 0, equals: .string(id)) }
        guard let row = rows.first(where: { $0.count >= 5 }) else { return nil }
        return ServerFacts(id: text(row[0]), name: text(row[1]), projectID: text(row[4]), status: text(row[3]))
    }

    public func ports(ofServer id: String) -> [PortFacts] {
        engine.withRuntime { runtime in
            runtime.rows(of: "neutronv2:ports", column: 7, equals: .string(id)).compactMap { port(row: $0, runtime) }
        }
    }

    public func ports(withAddress address: String) -> [PortFacts] {
        engine.withRuntime { runtime in
            var portIDs = runtime.rows(of: "neutronv2:fixed_ips", column: 1, equals: .string(address)).map {
                text($0[0])
            }
            // An allowed address pair names a host as the address itself or as a /32 or /128 network.
            let hostPrefix = address.contains(":") ? "/128" : "/32"
            for form in [address, address + hostPrefix] {
                portIDs += runtime.rows(of: "neutronv2:allowed_address_pairs", column: 1, equals: .string(form)).map {
                    text($0[0])
                }
            }

            var seen = Set<String>()
            var result: [PortFacts] = []
            for id in portIDs where seen.insert(id).inserted {
                for row in runtime.rows(of: "neutronv2:ports", column: 0, equals: .string(id)) {
                    if let facts = port(row: row, runtime) { result.append(facts) }
                }
            }
            return result
        }
    }

    /// Builds the facts of one `neutronv2:ports` row, with its fixed IPs, address pairs, port security
    /// and security groups read from their tables.
    private func port(row: Row, _ runtime: PolicyRuntime) -> PortFacts? {
        guard row.count >= 9 else { return nil }
        let id = row[0]
        let fixed = runtime.rows(of: "neutronv2:fixed_ips", column: 0, equals: id)
        let pairs = runtime.rows(of: "neutronv2:allowed_address_pairs", column: 0, equals: id)
        let details = runtime.rows(of: "neutronv2:port_details", column: 0, equals: id).first
        let groups = runtime.rows(of: "neutronv2:security_group_port_bindings", column: 0, equals: id)
        return PortFacts(
            id: text(id), networkID: text(row[3]), projectID: text(row[1]), deviceID: text(row[7]),
            deviceOwner: text(row[8]), macAddress: text(row[4]),
            fixedIPs: fixed.map { text($0[1]) }.sorted(),
            allowedAddresses: pairs.map { Self.address(text($0[1])) }.sorted(),
            portSecurityEnabled: details.map { text($0[1]) != "False" } ?? true,
            adminStateUp: text(row[5]) == "True", securityGroups: groups.map { text($0[1]) }.sorted())
    }

    /// A host entry (`192.0.2.100/32`) as its address; wider networks stay as they are.
    private static func address(_ network: String) -> String {
        if network.hasSuffix("/32") || network.hasSuffix("/128") {
            return String(network[..<network.lastIndex(of: "/")!])
        }
        return network
    }
}

private func text(_ value: Value) -> String { value.string ?? value.description }
