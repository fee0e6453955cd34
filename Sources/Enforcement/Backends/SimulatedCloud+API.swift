import OpenStack

/// The inventory in the JSON shapes of Nova's `GET /servers/detail` and Neutron's `GET /v2.0/...`
/// listings (the items, without the envelope), so the service reads it through the same
/// translators as a real cloud. Each call copies the state under the lock; items are ordered by id.
extension SimulatedCloud {
    public func servers() -> [JSON] {
        lock.withLock {
            // Grouping the ports by device once keeps a listing linear in the size of the cloud.
            let portsByDevice = Dictionary(grouping: portTable.values, by: \.deviceID)
            return serverTable.values.sorted { $0.id < $1.id }.map { server in
                var addresses: [String: JSON] = [:]
                for port in (portsByDevice[server.id] ?? []).sorted(by: { $0.id < $1.id }) {
                    let network = networkTable[port.networkID]?.name ?? port.networkID
                    let entries = port.fixedIPs.map { fixed -> JSON in
                        [
                            "addr": .string(fixed.address), "version": fixed.address.contains(":") ? 6 : 4,
                            "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr": .string(port.macAddress),
                        ]
                    }
                    addresses[network] = .array((addresses[network]?.arrayValue ?? []) + entries)
                }
                return [
                    "id": .string(server.id), "name": .string(server.name), "status": .string(server.status),
                    "tenant_id": .string(server.projectID), "user_id": "agora-simulated",
                    "OS-EXT-STS:vm_state": .string(server.vmState), "OS-EXT-STS:task_state": nil,
                    "locked": .bool(server.locked), "locked_reason": server.lockedReason.map(JSON.string) ?? nil,
                    "addresses": .object(addresses), "hostId": "simulated-host",
                    "image": ["id": "simulated-image"], "flavor": ["id": "simulated-flavor"],
                    "OS-EXT-AZ:availability_zone": "nova", "OS-EXT-SRV-ATTR:hypervisor_hostname": "simulated-compute",
                    "created": "2024-01-01T00:00:00Z", "tags": [],
                ]
            }
        }
    }

    public func ports() -> [JSON] {
        lock.withLock { portTable.values.sorted { $0.id < $1.id }.map(Self.json) }
    }

    public func networks() -> [JSON] {
        lock.withLock {
            networkTable.values.sorted { $0.id < $1.id }.map { network in
                let subnetIDs = subnetTable.values.filter { $0.networkID == network.id }.map(\.id).sorted()
                return [
                    "id": .string(network.id), "name": .string(network.name), "tenant_id": .string(network.projectID),
                    "project_id": .string(network.projectID), "status": "ACTIVE", "admin_state_up": true,
                    "shared": false, "subnets": .array(subnetIDs.map(JSON.string)), "revision_number": 1,
                ]
            }
        }
    }

    public func subnets() -> [JSON] {
        lock.withLock {
            subnetTable.values.sorted { $0.id < $1.id }.map { subnet in
                [
                    "id": .string(subnet.id), "name": "", "network_id": .string(subnet.networkID),
                    "tenant_id": .string(subnet.projectID), "project_id": .string(subnet.projectID),
                    "ip_version": .int(Int64(subnet.ipVersion)), "cidr": .string(subnet.cidr), "gateway_ip": nil,
                    "enable_dhcp": true, "ipv6_ra_mode": nil, "ipv6_address_mode": nil, "allocation_pools": [],
                    "dns_nameservers": [], "host_routes": [], "revision_number": 1,
                ]
            }
        }
    }

    public func securityGroups() -> [JSON] {
        lock.withLock {
            groupTable.values.sorted { $0.id < $1.id }.map { group in
                // Neutron gives every new group egress rules to anywhere, one per ethertype.
                let rules: [JSON] =
                    !group.hasEgressRules
                    ? []
                    : ["IPv4", "IPv6"].map { ethertype in
                        [
                            "id": .string("\(group.id)-egress-\(ethertype.lowercased())"),
                            "security_group_id": .string(group.id), "tenant_id": .string(group.projectID),
                            "direction": "egress", "ethertype": .string(ethertype), "protocol": nil,
                            "port_range_min": nil, "port_range_max": nil, "remote_ip_prefix": nil,
                            "remote_group_id": nil,
                        ]
                    }
                return [
                    "id": .string(group.id), "name": .string(group.name), "description": .string(group.description),
                    "tenant_id": .string(group.projectID), "project_id": .string(group.projectID),
                    "security_group_rules": .array(rules), "revision_number": 1,
                ]
            }
        }
    }

    /// One port as Neutron's `GET /v2.0/ports/{id}` returns it under `port`.
    static func json(_ port: SimulatedPort) -> JSON {
        [
            "id": .string(port.id), "name": .string(port.name), "network_id": .string(port.networkID),
            "tenant_id": .string(port.projectID), "project_id": .string(port.projectID),
            "device_id": .string(port.deviceID), "device_owner": .string(port.deviceOwner),
            "mac_address": .string(port.macAddress), "admin_state_up": .bool(port.adminStateUp),
            "status": port.adminStateUp ? "ACTIVE" : "DOWN", "port_security_enabled": .bool(port.portSecurityEnabled),
            "fixed_ips": .array(
                port.fixedIPs.map { ["subnet_id": .string($0.subnetID), "ip_address": .string($0.address)] }),
            "allowed_address_pairs": .array(
                port.allowedAddresses.map { ["ip_address": .string($0), "mac_address": .string(port.macAddress)] }),
            "security_groups": .array(port.securityGroups.map(JSON.string)),
            "revision_number": .int(Int64(port.revision)),
        ]
    }
}
