import Datalog
import OpenStack

/// The tables of the `neutronv2` data source: Congress's tables with its exact columns, plus
/// `port_details` and `allowed_address_pairs`, which a quarantine needs and Congress lacked.
public enum NeutronTables {
    public static let service = "neutronv2"

    static let tenant = ColumnSpec("tenant_id", ["tenant_id"], ["project_id"])

    public static let networks = ResourceTranslator(
        collectionKey: "networks", objectKey: "network",
        tables: [
            .object(
                "networks",
                [
                    ColumnSpec("id"), tenant, ColumnSpec("name"), ColumnSpec("status"), ColumnSpec("admin_state_up"),
                    ColumnSpec("shared"),
                ])
        ])

    public static let ports = ResourceTranslator(
        collectionKey: "ports", objectKey: "port",
        tables: [
            .object(
                "ports",
                [
                    ColumnSpec("id"), tenant, ColumnSpec("name"), ColumnSpec("network_id"), ColumnSpec("mac_address"),
                    ColumnSpec("admin_state_up"), ColumnSpec("status"), ColumnSpec("device_id"),
                    ColumnSpec("device_owner"),
                ]),
            .children(
                "fixed_ips", parent: "port_id", list: ["fixed_ips"],
                [ColumnSpec("ip_address", kind: .ipAddress), ColumnSpec("subnet_id")]),
            .values(
                "security_group_port_bindings", parent: "port_id", list: ["security_groups"],
                column: "security_group_id"),
            .object(
                "port_details",
                [
                    ColumnSpec("port_id", ["id"]), ColumnSpec("port_security_enabled"),
                    ColumnSpec("revision_number"),
                ],
                description: "per port: whether port security is on (\"True\", \"False\", or \"None\" without "
                    + "the port-security extension) and the revision_number an update must match"),
            .children(
                "allowed_address_pairs", parent: "port_id", list: ["allowed_address_pairs"],
                [ColumnSpec("ip_address", kind: .ipNetwork), ColumnSpec("mac_address")],
                description: "addresses a port may also send from; ip_address may be a CIDR"),
        ])

    public static let subnets = ResourceTranslator(
        collectionKey: "subnets", objectKey: "subnet",
        tables: [
            .object(
                "subnets",
                [
                    ColumnSpec("id"), tenant, ColumnSpec("name"), ColumnSpec("network_id"), ColumnSpec("ip_version"),
                    ColumnSpec("cidr", kind: .ipNetwork), ColumnSpec("gateway_ip", kind: .ipAddress),
                    ColumnSpec("enable_dhcp"), ColumnSpec("ipv6_ra_mode"), ColumnSpec("ipv6_address_mode"),
                ]),
            .children(
                "allocation_pools", parent: "subnet_id", list: ["allocation_pools"],
                [ColumnSpec("start", kind: .ipAddress), ColumnSpec("end", kind: .ipAddress)]),
            .values(
                "dns_nameservers", parent: "subnet_id", list: ["dns_nameservers"], column: "dns_nameserver",
                kind: .ipAddress),
            .children(
                "host_routes", parent: "subnet_id", list: ["host_routes"],
                [ColumnSpec("destination", kind: .ipNetwork), ColumnSpec("nexthop", kind: .ipAddress)]),
        ])

    public static let routers = ResourceTranslator(
        collectionKey: "routers", objectKey: "router",
        tables: [
            .object(
                "routers",
                [
                    ColumnSpec("id"), tenant, ColumnSpec("status"), ColumnSpec("admin_state_up"), ColumnSpec("name"),
                    ColumnSpec("distributed"),
                ]),
            TableTranslator(
                schema: TableSchema(
                    name: "external_gateway_infos", columns: ["router_id", "network_id", "enable_snat"])
            ) { router in
                guard let gateway = router["external_gateway_info"], gateway.objectValue != nil else { return [] }
                return [
                    [
                        CongressValues.value(router["id"]), CongressValues.value(gateway["network_id"]),
                        CongressValues.value(gateway["enable_snat"]),
                    ]
                ]
            },
            .children(
                "external_fixed_ips", parent: "router_id", list: ["external_gateway_info", "external_fixed_ips"],
                [ColumnSpec("subnet_id"), ColumnSpec("ip_address", kind: .ipAddress)]),
        ])

    public static let securityGroups = ResourceTranslator(
        collectionKey: "security_groups", objectKey: "security_group",
        tables: [
            .object("security_groups", [ColumnSpec("id"), tenant, ColumnSpec("name"), ColumnSpec("description")]),
            .children("security_group_rules", parent: "security_group_id", list: ["security_group_rules"], ruleColumns),
        ])

    static let ruleColumns = [
        ColumnSpec("id"), tenant, ColumnSpec("remote_group_id"), ColumnSpec("direction"), ColumnSpec("ethertype"),
        ColumnSpec("protocol"), ColumnSpec("port_range_min"), ColumnSpec("port_range_max"),
        ColumnSpec("remote_ip_prefix", kind: .ipNetwork),
    ]

    /// Rules listed on their own (`GET /v2.0/security-group-rules`) give the same rows as the
    /// rules embedded in their group.
    public static let securityGroupRules = ResourceTranslator(
        collectionKey: "security_group_rules", objectKey: "security_group_rule",
        tables: [.object("security_group_rules", [ColumnSpec("security_group_id")] + ruleColumns)])

    public static let floatingIPs = ResourceTranslator(
        collectionKey: "floatingips", objectKey: "floatingip",
        tables: [
            .object(
                "floating_ips",
                [
                    ColumnSpec("id"), ColumnSpec("router_id"), tenant, ColumnSpec("floating_network_id"),
                    ColumnSpec("fixed_ip_address", kind: .ipAddress),
                    ColumnSpec("floating_ip_address", kind: .ipAddress),
                    ColumnSpec("port_id"), ColumnSpec("status"),
                ])
        ])

    /// The resources the driver polls, by Neutron collection name.
    public static let polled: [(collection: String, translator: ResourceTranslator)] = [
        ("networks", networks), ("ports", ports), ("subnets", subnets), ("routers", routers),
        ("security_groups", securityGroups), ("floatingips", floatingIPs),
    ]

    public static let resources = polled.map(\.translator) + [securityGroupRules]

    public static var schemas: [TableSchema] { polled.flatMap { $0.translator.tables.map(\.schema) } }
}
