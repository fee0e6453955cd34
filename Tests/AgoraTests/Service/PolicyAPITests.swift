import Foundation
import OpenStack
import Testing

@testable import Agora

@Suite struct PolicyAPITests {
    /// Inventory and evidence pushed through push data sources named after the tables' services.
    static func pushSources(_ harness: ServiceHarness) throws {
        let sources: [(String, String)] = [
            ("nova", "servers:id;name;host_id;status;tenant_id;user_id;image_id;flavor_id;zone;host_name;created_at"),
            (
                "neutronv2",
                "ports:id;tenant_id;name;network_id;mac_address;admin_state_up;status;device_id;device_owner,"
                    + "fixed_ips:port_id;ip_address;subnet_id"
            ),
        ]
        for (name, tables) in sources {
            let created = try harness.call(
                "POST", "/v1/data-sources",
                ["name": .string(name), "driver": "push", "config": ["tables": .string(tables)]])
            #expect(created.status == 201, "\(created.json)")
        }
    }

    @Test func libraryPolicyFlagsAVMAndSurvivesARestart() async throws {
        let harness = try await ServiceHarness()
        try Self.pushSources(harness)
        let library = try harness.call("GET", "/v1/librarypolicies?name=compromised_vm")
        let libraryID = try #require(library.json["results"]?.arrayValue?.first?["id"]?.stringValue)
        let created = try harness.call("POST", "/v1/policies?library_policy=\(libraryID)")
        #expect(created.status == 201)
        #expect(created.json["mode"] == "dry-run")

        // A push source for the IDS tables, then the evidence.
        let ids = try harness.call(
            "POST", "/v1/data-sources",
            ["name": "ids", "driver": "push", "config": ["tables": "ip_packet:src_ip;dst_ip,ip_blacklist:ip"]])
        #expect(ids.status == 201)
        try harness.call(
            "PUT", "/v1/data-sources/nova/tables/servers/rows",
            [["vm-1", "web", "h", "ACTIVE", "tenant-a", "u", "i", "f", "z", "h", "c"]])
        try harness.call(
            "PUT", "/v1/data-sources/neutronv2/tables/ports/rows",
            [["port-1", "tenant-a", "", "net", "fa:16:3e:00:00:01", "True", "ACTIVE", "vm-1", "compute:nova"]])
        try harness.call("PUT", "/v1/data-sources/neutronv2/tables/fixed_ips/rows", [["port-1", "192.0.2.10", "s"]])
        try harness.call("PUT", "/v1/data-sources/ids/tables/ip_blacklist/rows", [["203.0.113.66"]])
        try harness.call("PUT", "/v1/data-sources/ids/tables/ip_packet/rows", [["192.0.2.10", "203.0.113.66"]])

        let rows = try harness.call("GET", "/v1/policies/compromised_vm/tables/error/rows")
        #expect(rows.json["results"] == [["data": ["vm-1", "192.0.2.10", "203.0.113.66", "tenant-a", 900]]])
        let incidents = try harness.call("GET", "/v1/incidents")
        let incident = try #require(incidents.json["results"]?.arrayValue?.first)
        #expect(incident["vm_id"] == "vm-1")
        #expect(incident["external_ips"] == ["203.0.113.66"])

        let explained = try harness.call(
            "GET", "/v1/policies/compromised_vm/explain?query=error(x,%20y,%20z,%20t,%20w)")
        let proof = try #require(explained.json["results"]?.arrayValue?.first?["proof"])
        #expect(proof["basis"] == "rule")
        #expect((proof["children"]?.arrayValue ?? []).contains { $0["table"] == "compromised_vm:vm_contact" })

        // A restart rebuilds the same rules from the store; pushed rows come back with their sources.
        let before = try harness.call("GET", "/v1/policies/compromised_vm/rules").json
        try await harness.restart()
        #expect(try harness.call("GET", "/v1/policies/compromised_vm/rules").json == before)
        #expect(try harness.call("GET", "/v1/incidents").json["results"]?.arrayValue?.count == 1)
        #expect(try harness.call("GET", "/v1/policies/compromised_vm/tables/error/rows").json == rows.json)

        // Deleting a data source takes its rows out of the engine and the store.
        #expect(try harness.call("DELETE", "/v1/data-sources/ids").status == 200)
        let emptied = try harness.call("GET", "/v1/policies/compromised_vm/tables/error/rows").json
        #expect(emptied["results"] == [])
        try await harness.restart()
        #expect(try harness.call("GET", "/v1/policies/compromised_vm/tables/error/rows").json["results"] == [])
    }

    @Test func badRuleAnswersWithItsPositionAndChangesNothing() async throws {
        let harness = try await ServiceHarness()
        let before = try harness.call("GET", "/v1/policies/classification/rules").json
        let bad = try harness.call(
            "POST", "/v1/policies/classification/rules", ["rule": "p(x) :-\n  q(x),\n  not r(y)"])
        #expect(bad.status == 400)
        #expect(bad.json["error"]?["error_code"] == 1002)
        #expect(bad.json["error"]?["error_data"]?["kind"] == "unsafe_negation")
        #expect(bad.json["error"]?["error_data"]?["line"] == 3)
        #expect(try harness.call("GET", "/v1/policies/classification/rules").json == before)

        let good = try harness.call("POST", "/v1/policies/classification/rules", ["rule": "p(x) :- q(x), not r(x)"])
        #expect(good.status == 201)
        #expect(good.json["rule"] == "p(x) :-\n  q(x),\n  not r(x)")
        let again = try harness.call("POST", "/v1/policies/classification/rules", ["rule": "p(x) :- not r(x), q(x)"])
        #expect(again.status == 409)
        #expect(again.json["error"]?["error_code"] == 1008)
    }

    @Test func congressErrorsForPolicies() async throws {
        let harness = try await ServiceHarness()
        #expect(try harness.call("POST", "/v1/policies", ["description": "x"]).json["error"]?["error_code"] == 1010)
        let badName = try harness.call("POST", "/v1/policies", ["name": "1bad"])
        #expect(badName.status == 400)
        #expect(try harness.call("POST", "/v1/policies", ["name": "p", "abbreviation": "toolong"]).status == 400)
        #expect(try harness.call("POST", "/v1/policies", ["name": "p"]).status == 201)
        #expect(try harness.call("POST", "/v1/policies", ["name": "p"]).status == 409)
        #expect(try harness.call("DELETE", "/v1/policies/classification").status == 404)
        #expect(try harness.call("GET", "/v1/policies/nope").status == 404)
        let malformed = try harness.call("POST", "/v1/policies", rawBody: Array("{name:".utf8))
        #expect(malformed.status == 400)
        #expect(
            try harness.call("POST", "/v1/policies/p").json["error"]?["message"] == "Missing required action parameter."
        )
        let viewer = Principal(user: "v", projectID: "a", roles: ["viewer"])
        #expect(try harness.call("POST", "/v1/policies", ["name": "q"], principal: viewer).status == 403)
    }
}

@Suite struct LibraryBundleTests {
    @Test func bundledLibraryPoliciesLoad() async throws {
        let harness = try await ServiceHarness()
        for policy in harness.service.library.all {
            let created = try harness.call("POST", "/v1/policies?library_policy=\(policy.id)")
            #expect(created.status == 201, "\(policy.name): \(created.json)")
        }
    }
}
