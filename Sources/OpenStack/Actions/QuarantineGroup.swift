/// The per-project security group that isolates a port: it has no rules at all, so with
/// Neutron's default-deny it blocks traffic in both directions.
public struct QuarantineGroup: Sendable {
    public let neutron: NeutronClient
    public let name: String

    public init(neutron: NeutronClient, name: String) {
        self.neutron = neutron
        self.name = name
    }

    /// Returns the id of the project's quarantine group, creating it when missing and deleting
    /// any rule in it, including the two egress rules Neutron adds to every new group.
    public func ensure(projectID: String) async throws -> String {
        let existing = try await neutron.list(
            "security_groups", query: [("name", name), ("project_id", projectID)])
        let group: JSON
        if let found = existing.first {
            group = found
        } else {
            group = try await neutron.createSecurityGroup(
                name: name, description: "Agora quarantine: no rules, so all traffic is blocked both ways",
                projectID: projectID)
        }
        guard let groupID = group["id"]?.stringValue else {
            throw OpenStackError.invalidResponse(url: "security-groups", reason: "a security group without an id")
        }

        for rule in group["security_group_rules"]?.arrayValue ?? [] {
            if let ruleID = rule["id"]?.stringValue {
                do {
                    try await neutron.deleteSecurityGroupRule(ruleID)
                } catch OpenStackError.http(let failure) where failure.status == 404 {
                    continue
                }
            }
        }

        let check = try await neutron.showSecurityGroup(groupID)
        let remaining = check["security_group_rules"]?.arrayValue?.count ?? 0
        guard remaining == 0 else {
            throw OpenStackError.invalidResponse(
                url: "security-groups/\(groupID)", reason: "quarantine group still has \(remaining) rule(s)")
        }
        return groupID
    }
}
