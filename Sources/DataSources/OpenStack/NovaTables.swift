import Datalog
import OpenStack

/// The tables of the `nova` data source, with Congress's column order.
public enum NovaTables {
    public static let service = "nova"

    /// `image_id` and `flavor_id`: the object's `id`, the raw value when the API sends a
    /// string, and for a flavor from microversion 2.47 on, which embeds the flavor without
    /// its id, the flavor's `original_name`.
    public static let servers = ResourceTranslator(
        collectionKey: "servers", objectKey: "server",
        tables: [
            .object(
                "servers",
                [
                    ColumnSpec("id"), ColumnSpec("name"), ColumnSpec("host_id", ["hostId"]), ColumnSpec("status"),
                    ColumnSpec("tenant_id", ["tenant_id"], ["project_id"]), ColumnSpec("user_id"),
                    ColumnSpec("image_id", ["image", "id"], ["image"]),
                    ColumnSpec("flavor_id", ["flavor", "id"], ["flavor", "original_name"], ["flavor"]),
                    ColumnSpec("zone", ["OS-EXT-AZ:availability_zone"]),
                    ColumnSpec("host_name", ["OS-EXT-SRV-ATTR:hypervisor_hostname"]),
                    ColumnSpec("created_at", ["created"]),
                ]),
            TableTranslator(
                schema: TableSchema(
                    name: "servers.addresses",
                    columns: ["server_id", "network_name", "address", "version", "mac_address", "address_type"]),
                rows: addressRows),
            .values("tags", parent: "server_id", list: ["tags"], column: "tag"),
        ])

    /// One row per address of each network in `addresses`, which maps network names to lists.
    @Sendable static func addressRows(_ server: JSON) -> [Row] {
        let serverID = CongressValues.value(server["id"])
        var rows: [Row] = []
        for (network, addresses) in (server["addresses"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            for address in addresses.arrayValue ?? [] {
                rows.append([
                    serverID, .string(network), CongressValues.address(address["addr"]),
                    CongressValues.value(address["version"]), CongressValues.value(address["OS-EXT-IPS-MAC:mac_addr"]),
                    CongressValues.value(address["OS-EXT-IPS:type"]),
                ])
            }
        }
        return rows
    }

    public static let flavors = ResourceTranslator(
        collectionKey: "flavors", objectKey: "flavor",
        tables: [
            .object(
                "flavors",
                [
                    ColumnSpec("id"), ColumnSpec("name"), ColumnSpec("vcpus"), ColumnSpec("ram"), ColumnSpec("disk"),
                    ColumnSpec("ephemeral", ["OS-FLV-EXT-DATA:ephemeral"], ["ephemeral"]), ColumnSpec("rxtx_factor"),
                ])
        ])

    public static let services = ResourceTranslator(
        collectionKey: "services", objectKey: "service",
        tables: [
            .object(
                "services",
                [
                    ColumnSpec("service_id", ["id"]), ColumnSpec("binary"), ColumnSpec("host"), ColumnSpec("zone"),
                    ColumnSpec("status"), ColumnSpec("state"), ColumnSpec("updated_at"), ColumnSpec("disabled_reason"),
                ])
        ])

    public static let hypervisors = ResourceTranslator(
        collectionKey: "hypervisors", objectKey: "hypervisor",
        tables: [
            .object(
                "hypervisors",
                [ColumnSpec("hypervisor_hostname"), ColumnSpec("id"), ColumnSpec("state"), ColumnSpec("status")])
        ])

    /// `state` is written as Congress wrote the zone's `zoneState` dictionary with Python's
    /// `str()`: `{'available': True}`.
    public static let availabilityZones = ResourceTranslator(
        collectionKey: "availabilityZoneInfo", objectKey: "availabilityZone",
        tables: [
            TableTranslator(schema: TableSchema(name: "availability_zones", columns: ["zone", "state"])) { zone in
                let available = zone["zoneState"]?["available"]?.boolValue
                let state = available.map { "{'available': \($0 ? "True" : "False")}" } ?? "None"
                return [[CongressValues.value(zone["zoneName"]), .string(state)]]
            }
        ])

    public static let resources = [servers, flavors, services, hypervisors, availabilityZones]

    public static var schemas: [TableSchema] { resources.flatMap { $0.tables.map(\.schema) } }
}
