import Foundation
import Testing

@testable import Datalog
@testable import Enforcement

/// Each guard rule once where it lets the action run and once where it stops it, with the
/// reason read back from the ledger.
@Suite struct GuardRuleTests {
    private static func inventory() -> TestInventory {
        var inventory = TestInventory()
        inventory.addVM("vm-a", address: "192.0.2.10")
        inventory.addVM("vm-b", address: "2001:db8:1::10", project: "4f2e0000")
        inventory.addVM("vm-c", address: "192.0.2.30", network: "net-admin")
        inventory.addVM("vm-off", address: "192.0.2.40", portSecurity: false)
        inventory.addVM("router-1", address: "192.0.2.1", owner: "network:router_interface")
        var vip = inventory.allPorts[0]
        vip.allowedAddresses = ["192.0.2.100"]
        inventory.allPorts[0] = vip
        return inventory
    }

    /// Submits one call and returns its ledger record.
    private func run(
        _ call: ActionCall, settings: GuardSettings = Harness.enforcing(), inventory: TestInventory = inventory(),
        evidence: [Evidence] = []
    ) async throws -> (ActionRecord, Harness) {
        let harness = try await Harness(inventory: inventory, guardSettings: settings)
        try await harness.enforcer.submit(calls: [call], evidence: evidence)
        let record = try #require(try harness.ledger.allRecords().last)
        return (record, harness)
    }

    private func blockCall(_ address: String) -> ActionCall {
        ActionCall(policy: "feeds", service: "agora", action: "block", arguments: [.string(address)])
    }

    private func settings(_ change: (inout GuardSettings) -> Void) -> GuardSettings {
        var settings = Harness.enforcing()
        change(&settings)
        return settings
    }

    @Test func enforceModeActs() async throws {
        let (record, harness) = try await run(quarantineCall("vm-a", "192.0.2.10"))
        #expect(record.state == .verified)
        #expect(record.reason == "allowed: policy compromised_vm enforces and every check passed")
        #expect(harness.backend.applyCount == 1)
        let kinds = try harness.ledger.events(of: record.id).map(\.kind)
        #expect(kinds == [.requested, .executing, .executed, .verified])
    }

    @Test func monitorModeRecordsOnly() async throws {
        let (record, harness) = try await run(
            quarantineCall("vm-a", "192.0.2.10"), settings: settings { $0.modes["compromised_vm"] = .monitor })
        #expect(record.state == .monitored)
        #expect(record.reason == "mode_monitor: policy compromised_vm is in monitor mode")
        #expect(harness.backend.applyCount == 0)
    }

    @Test func newPoliciesStartInDryRun() async throws {
        let (record, harness) = try await run(quarantineCall("vm-a", "192.0.2.10"), settings: GuardSettings())
        #expect(record.state == .dryRun)
        #expect(record.reasonCode == "mode_dry_run")
        let detail = try harness.ledger.events(of: record.id).last?.detail ?? ""
        #expect(detail.contains("would call recording to quarantine vm vm-a, address 192.0.2.10"))
        #expect(harness.backend.applyCount == 0)
    }

    @Test func approveModeWaitsForOperator() async throws {
        let (record, harness) = try await run(
            quarantineCall("vm-a", "192.0.2.10"), settings: settings { $0.modes["compromised_vm"] = .approve })
        #expect(record.state == .held)
        #expect(record.reasonCode == "approval_required")
        #expect(harness.backend.applyCount == 0)

        let approved = try await harness.enforcer.approve(record.id, by: "alice")
        #expect(approved.state == .verified)
        #expect(approved.reason == "approved_by_operator: approved by alice")
        #expect(harness.backend.applyCount == 1)
    }

    @Test func operatorRefusalIsFinal() async throws {
        let (record, harness) = try await run(
            quarantineCall("vm-a", "192.0.2.10"), settings: settings { $0.modes["compromised_vm"] = .approve })
        let refused = try await harness.enforcer.refuse(record.id, by: "alice", reason: "known scanner")
        #expect(refused.state == .refused)
        #expect(refused.reason == "refused_by_operator: known scanner")
        await #expect(throws: EnforcementError.invalidState(id: record.id, state: .refused, operation: "approve")) {
            try await harness.enforcer.approve(record.id, by: "alice")
        }
        #expect(harness.backend.applyCount == 0)
    }

    @Test func protectedVMNeedsOverride() async throws {
        let protected = settings { $0.protected.vmIDs = ["vm-a"] }
        let (record, harness) = try await run(quarantineCall("vm-a", "192.0.2.10"), settings: protected)
        #expect(record.state == .held)
        #expect(record.reason == "protected_vm: vm vm-a is on the protected list")

        await #expect(throws: EnforcementError.overrideRequired(id: record.id, reason: record.reason)) {
            try await harness.enforcer.approve(record.id, by: "bob")
        }
        #expect(harness.backend.applyCount == 0)
        let overridden = try await harness.enforcer.approve(record.id, by: "admin", override: true)
        #expect(overridden.state == .verified)
        #expect(harness.backend.applyCount == 1)

        let (other, _) = try await run(
            quarantineCall("vm-a", "192.0.2.10"), settings: settings { $0.protected.vmIDs = ["vm-z"] })
        #expect(other.state == .verified)
    }

    @Test func projectPolicyActsOnlyInItsProject() async throws {
        let owned = settings { $0.policyProjects["compromised_vm"] = "4f2e0000" }
        let (inside, _) = try await run(quarantineCall("vm-b", "2001:db8:1::10"), settings: owned)
        #expect(inside.state == .verified)

        let (outside, harness) = try await run(quarantineCall("vm-a", "192.0.2.10"), settings: owned)
        #expect(outside.state == .refused)
        #expect(outside.reasonCode == "outside_policy_project")
        #expect(outside.reason.contains("belongs to project 4f2e0000 and may not act on vm vm-a"))
        #expect(harness.backend.applyCount == 0)
    }

    @Test func protectedProjectHolds() async throws {
        let protected = settings { $0.protected.projectIDs = ["4f2e0000"] }
        let (held, _) = try await run(quarantineCall("vm-b", "2001:db8:1::10"), settings: protected)
        #expect(held.state == .held)
        #expect(held.reason == "protected_project: project 4f2e0000 of vm vm-b is on the protected list")

        let (acted, _) = try await run(quarantineCall("vm-a", "192.0.2.10"), settings: protected)
        #expect(acted.state == .verified)
    }

    @Test func protectedNetworkHolds() async throws {
        let protected = settings { $0.protected.networkIDs = ["net-admin"] }
        let (held, _) = try await run(quarantineCall("vm-c", "192.0.2.30"), settings: protected)
        #expect(held.state == .held)
        #expect(held.reasonCode == "protected_network")
        #expect(held.reason.contains("network net-admin of port port-vm-c"))

        let (acted, _) = try await run(quarantineCall("vm-a", "192.0.2.10"), settings: protected)
        #expect(acted.state == .verified)
    }

    @Test func protectedIPv4PrefixHolds() async throws {
        let protected = settings { $0.protected.networks = ["192.0.2.0/28"] }
        let (held, _) = try await run(quarantineCall("vm-a", "192.0.2.10"), settings: protected)
        #expect(held.state == .held)
        #expect(
            held.reason == "protected_address: address 192.0.2.10 lies in 192.0.2.0/28, which is on the protected list")

        let (acted, _) = try await run(quarantineCall("vm-c", "192.0.2.30"), settings: protected)
        #expect(acted.state == .verified)
    }

    @Test func protectedIPv6PrefixHolds() async throws {
        let protected = settings { $0.protected.networks = ["2001:DB8:1:0::/64"] }
        let (held, _) = try await run(quarantineCall("vm-b", "2001:db8:1::10"), settings: protected)
        #expect(held.state == .held)
        #expect(held.reason.contains("2001:db8:1::10 lies in 2001:db8:1::/64"))

        let narrow = settings { $0.protected.networks = ["2001:db8:1::11/128"] }
        let (acted, _) = try await run(quarantineCall("vm-b", "2001:db8:1::10"), settings: narrow)
        #expect(acted.state == .verified)
    }

    @Test func infrastructurePortHolds() async throws {
        let (held, harness) = try await run(quarantineCall("router-1", "192.0.2.1"))
        #expect(held.state == .held)
        #expect(
            held.reason
                == "infrastructure_port: port port-router-1 is owned by network:router_interface, which is cloud infrastructure"
        )
        #expect(harness.backend.applyCount == 0)

        let (blocked, _) = try await run(blockCall("192.0.2.1"))
        #expect(blocked.reasonCode == "infrastructure_port")
    }

    @Test func metadataAndLoopbackHold() async throws {
        let (metadata, _) = try await run(blockCall("169.254.169.254"))
        #expect(metadata.state == .held)
        #expect(metadata.reason.hasPrefix("infrastructure_address: address 169.254.169.254 lies in 169.254.0.0/16"))

        let (loopback, _) = try await run(blockCall("127.0.0.53"))
        #expect(loopback.reasonCode == "infrastructure_address")
        let (loopback6, _) = try await run(blockCall("::1"))
        #expect(loopback6.reasonCode == "infrastructure_address")

        let (external, harness) = try await run(blockCall("203.0.113.66"))
        #expect(external.state == .verified)
        #expect(harness.backend.isApplied("203.0.113.66"))
    }

    @Test func fixedAddressWithPortSecurityActs() async throws {
        let (record, _) = try await run(quarantineCall("vm-a", "192.0.2.10"))
        #expect(record.state == .verified)
    }

    @Test func allowedPairOnlyRefuses() async throws {
        let (record, harness) = try await run(quarantineCall("vm-a", "192.0.2.100"))
        #expect(record.state == .refused)
        #expect(
            record.reason
                == "source_shared_address: source may be spoofed: 192.0.2.100 is only an allowed address pair of port port-vm-a (vm-a), not a fixed IP"
        )
        #expect(harness.backend.applyCount == 0)
    }

    @Test func portSecurityOffActsUnlessRequired() async throws {
        let (acted, _) = try await run(quarantineCall("vm-off", "192.0.2.40"))
        #expect(acted.state == .verified)

        let (refused, _) = try await run(
            quarantineCall("vm-off", "192.0.2.40"), settings: settings { $0.requirePortSecurity = true })
        #expect(refused.state == .refused)
        #expect(refused.reasonCode == "source_port_security_off")
        #expect(refused.reason.contains("port port-vm-off of vm vm-off has port security off"))
    }

    @Test func unownedSourceRefuses() async throws {
        let (record, _) = try await run(quarantineCall("vm-a", "192.0.2.200"))
        #expect(record.state == .refused)
        #expect(record.reason == "source_unowned: source may be spoofed: no port owns 192.0.2.200")
    }

    @Test func sourceOfAnotherVMRefuses() async throws {
        let (record, _) = try await run(quarantineCall("vm-a", "192.0.2.30"))
        #expect(record.state == .refused)
        #expect(record.reason == "source_other_vm: 192.0.2.30 is pinned on port port-vm-c (vm-c), not on vm vm-a")

        let mac = Evidence(reference: "e1", sourceAddress: "192.0.2.10", sourceMAC: "FA:16:3E:00:00:01")
        let (pinned, _) = try await run(quarantineCall("vm-a", "192.0.2.10"), evidence: [mac])
        #expect(pinned.state == .verified)
    }

    @Test func staleInventoryHoldsUntilFresh() async throws {
        var stale = Self.inventory()
        stale.age = 300
        let (record, harness) = try await run(quarantineCall("vm-a", "192.0.2.10"), inventory: stale)
        #expect(record.state == .held)
        #expect(record.reason == "inventory_stale: the inventory is 300 s old, over the limit of 120 s")
        #expect(harness.backend.applyCount == 0)

        harness.inventory.value.age = 3
        try await harness.enforcer.tick()
        #expect(try harness.ledger.record(record.id)?.state == .verified)
        #expect(harness.backend.applyCount == 1)

        var never = Self.inventory()
        never.age = nil
        let (unknown, _) = try await run(quarantineCall("vm-a", "192.0.2.10"), inventory: never)
        #expect(unknown.reason == "inventory_stale: the inventory was never refreshed")
    }

    @Test func missingTargetRefuses() async throws {
        let (record, _) = try await run(quarantineCall("vm-gone", "192.0.2.99"))
        #expect(record.state == .refused)
        #expect(record.reason == "target_not_found: vm vm-gone is not in the inventory")
    }

    @Test func unknownActionRefuses() async throws {
        let call = ActionCall(policy: "p", service: "neutronv2", action: "attach", arguments: [.string("p1")])
        let (record, harness) = try await run(call)
        #expect(record.state == .refused)
        #expect(record.reasonCode == "unsupported_action")
        #expect(record.key == "p|neutronv2:attach(\"p1\")")
        #expect(harness.backend.applyCount == 0)
    }
}
