import DataSources
import Foundation
import LiveCloudSupport
import OpenStack
import Testing

@testable import Agora

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `auth_strategy = keystone` against the test cloud's real Keystone: an admin, an operator
/// (Keystone role `member`) of project A and a viewer (`reader`) of project B each see and
/// change only what their role and project allow.
@Suite(
    .serialized, .openStackServersLock,
    .enabled(if: KeystoneServer.isUp, "Keystone is not running on 127.0.0.1:5000; start it with `make openstack`"))
struct KeystoneAuthTests {
    static let keystone = "http://127.0.0.1:5000/v3"

    static func adminConfig() -> CloudConfig {
        var config = CloudConfig()
        config.authType = .password
        config.authURL = URL(string: keystone)!
        config.username = "admin"
        config.password = "secret"
        config.userDomainName = "Default"
        config.projectName = "admin"
        config.projectDomainName = "Default"
        return config
    }

    /// A token of `user` scoped to project `project`.
    static func token(user: String, password: String, project: String) async throws -> String {
        var config = adminConfig()
        config.username = user
        config.password = password
        config.projectName = project
        let session = try Session(config: config)
        return try #require(try await session.validToken()?.value)
    }

    /// Creates two projects and two users with their roles; returns the project ids and tokens.
    static func makeTenants(_ identity: ServiceClient, suffix: String) async throws -> (
        a: String, b: String, operatorA: String, viewerB: String
    ) {
        func create(_ path: String, _ key: String, _ fields: [String: JSON]) async throws -> String {
            let answer = try await identity.send("POST", path, body: .object([key: .object(fields)]))
            return try #require(answer[key]?["id"]?.stringValue)
        }
        func role(_ name: String) async throws -> String {
            let roles = try await identity.send("GET", "/roles?name=\(name)")
            return try #require(roles["roles"]?.arrayValue?.first?["id"]?.stringValue)
        }
        let a = try await create(
            "/projects", "project", ["name": .string("agora-a-\(suffix)"), "domain_id": "default"])
        let b = try await create(
            "/projects", "project", ["name": .string("agora-b-\(suffix)"), "domain_id": "default"])
        let password = "pw-\(suffix)"
        let operatorUser = try await create(
            "/users", "user",
            ["name": .string("agora-op-\(suffix)"), "password": .string(password), "domain_id": "default"])
        let viewerUser = try await create(
            "/users", "user",
            ["name": .string("agora-view-\(suffix)"), "password": .string(password), "domain_id": "default"])
        try await identity.send("PUT", "/projects/\(a)/users/\(operatorUser)/roles/\(try await role("member"))")
        try await identity.send("PUT", "/projects/\(b)/users/\(viewerUser)/roles/\(try await role("reader"))")
        let operatorToken = try await token(
            user: "agora-op-\(suffix)", password: password, project: "agora-a-\(suffix)")
        let viewerToken = try await token(
            user: "agora-view-\(suffix)", password: password, project: "agora-b-\(suffix)")
        return (a, b, operatorToken, viewerToken)
    }

    @Test func rolesAndProjectsLimitWhatEachCallerSeesAndChanges() async throws {
        let session = try Session(config: Self.adminConfig())
        let identity = ServiceClient(session: session, serviceType: "identity")
        let suffix = String(UUID().uuidString.prefix(8)).lowercased()
        let tenants = try await Self.makeTenants(identity, suffix: suffix)
        let adminToken = try #require(try await session.validToken()?.value)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agora-ks-\(suffix)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.path)
        try configuration.set("DEFAULT", "bind_port", "0")
        try configuration.set("DEFAULT", "auth_strategy", "keystone")
        let launcher = try await Launcher.start(
            configuration: configuration, logger: Logger(label: "test", level: .error), session: session)
        defer { launcher.stop() }
        let admin = TestHTTPClient(base: launcher.url, token: adminToken)
        let operatorA = TestHTTPClient(base: launcher.url, token: tenants.operatorA)
        let viewerB = TestHTTPClient(base: launcher.url, token: tenants.viewerB)

        // Two flagged VMs, one in each project, through push sources.
        try await PushedCloud.flag(admin, vms: [("vm-a", tenants.a, "192.0.2.10"), ("vm-b", tenants.b, "192.0.2.20")])
        let all = try await admin.poll("/v1/incidents") { ($0["results"]?.arrayValue?.count ?? 0) == 2 }
        let incidents = all["results"]?.arrayValue ?? []
        let incidentA = try #require(incidents.first { $0["vm_id"] == "vm-a" }?["id"]?.stringValue)
        let incidentB = try #require(incidents.first { $0["vm_id"] == "vm-b" }?["id"]?.stringValue)

        #expect(try await TestHTTPClient(base: launcher.url).call("GET", "/v1/policies").status == 401)
        #expect(
            try await TestHTTPClient(base: launcher.url, token: "not-a-token").call("GET", "/v1/policies").status == 401
        )

        let seenByOperator = try await operatorA.call("GET", "/v1/incidents").json["results"]?.arrayValue ?? []
        #expect(seenByOperator.map { $0["vm_id"] } == ["vm-a"])
        #expect(try await operatorA.call("POST", "/v1/incidents/\(incidentA)/notes", ["text": "looking"]).status == 201)
        #expect(
            try await operatorA.call("POST", "/v1/incidents/\(incidentB)/notes", ["text": "not mine"]).status == 404)
        let rowsForA = try await operatorA.call("GET", "/v1/policies/compromised_vm/tables/error/rows").json
        #expect(rowsForA["results"]?.arrayValue?.compactMap { $0["data"]?.arrayValue?.first } == ["vm-a"])

        let seenByViewer = try await viewerB.call("GET", "/v1/incidents").json["results"]?.arrayValue ?? []
        #expect(seenByViewer.map { $0["vm_id"] } == ["vm-b"])
        #expect(try await viewerB.call("GET", "/v1/incidents/\(incidentA)").status == 404)
        #expect(try await viewerB.call("POST", "/v1/incidents/\(incidentB)/notes", ["text": "no"]).status == 403)
        let before = try await admin.call("GET", "/v1/policies/classification/rules").json
        #expect(try await viewerB.call("POST", "/v1/policies/classification/rules", ["rule": "p(1)"]).status == 403)
        #expect(try await admin.call("GET", "/v1/policies/classification/rules").json == before)
        #expect(try await viewerB.call("DELETE", "/v1/policies/compromised_vm").status == 403)

        let whoami = try await operatorA.call("GET", "/v1/whoami").json
        #expect(whoami["project_id"] == .string(tenants.a))
        // Keystone's `member` implies `reader`, so the operator is a viewer too.
        #expect(whoami["roles"]?.arrayValue?.contains("operator") == true)
        #expect(whoami["roles"]?.arrayValue?.contains("admin") == false)
    }
}

/// Inventory and evidence pushed through push data sources, enough for the `compromised_vm`
/// library policy to flag the given VMs.
enum PushedCloud {
    static func flag(_ admin: TestHTTPClient, vms: [(id: String, project: String, address: String)]) async throws {
        let sources: [(String, String)] = [
            ("nova", "servers:id;name;host_id;status;tenant_id;user_id;image_id;flavor_id;zone;host_name;created_at"),
            (
                "neutronv2",
                "ports:id;tenant_id;name;network_id;mac_address;admin_state_up;status;device_id;device_owner,"
                    + "fixed_ips:port_id;ip_address;subnet_id"
            ),
            ("ids", "ip_packet:src_ip;dst_ip,ip_blacklist:ip"),
        ]
        for (name, tables) in sources {
            try await admin.call(
                "POST", "/v1/data-sources",
                ["name": .string(name), "driver": "push", "config": ["tables": .string(tables)]])
        }
        let library = try await admin.call("GET", "/v1/librarypolicies?name=compromised_vm").json
        let id = library["results"]?.arrayValue?.first?["id"]?.stringValue ?? ""
        try await admin.call("POST", "/v1/policies?library_policy=\(id)")
        let servers: [JSON] = vms.map {
            [.string($0.id), "vm", "h", "ACTIVE", .string($0.project), "u", "i", "f", "z", "h", "c"]
        }
        let ports: [JSON] = vms.map {
            [
                .string("port-" + $0.id), .string($0.project), "", "net", "fa:16:3e:00:00:01", "True", "ACTIVE",
                .string($0.id),
                "compute:nova",
            ]
        }
        try await admin.call("PUT", "/v1/data-sources/nova/tables/servers/rows", .array(servers))
        try await admin.call("PUT", "/v1/data-sources/neutronv2/tables/ports/rows", .array(ports))
        try await admin.call(
            "PUT", "/v1/data-sources/neutronv2/tables/fixed_ips/rows",
            .array(vms.map { [.string("port-" + $0.id), .string($0.address), "s"] }))
        try await admin.call("PUT", "/v1/data-sources/ids/tables/ip_blacklist/rows", [["203.0.113.66"]])
        try await admin.call(
            "PUT", "/v1/data-sources/ids/tables/ip_packet/rows",
            .array(vms.map { [.string($0.address), "203.0.113.66"] }))
    }
}
