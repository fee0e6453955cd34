import Foundation
import Testing

@testable import Enforcement

/// The nftables backend in network namespaces that each test creates and deletes.
@Suite(.enabled(if: VethPair.isAvailable, "needs root, nft, conntrack, ping and python3 to build test namespaces"))
struct NftablesBackendTests {
    @Test func blockCutsPingAndSession() async throws {
        let pair = try VethPair.make()
        defer { pair.delete() }
        let hostTables = try CommandRunner().check("nft", ["list", "tables"]).stdoutText
        #expect(try pair.pingFromRight(pair.leftAddress))

        // A table of the test's own with a conntrack rule, so that the kernel tracks connections
        // in the namespace and the flush has entries to delete.
        try pair.right.runner.check(
            "nft", ["-f", "-"],
            input: Data(
                """
                add table inet agoratest
                add chain inet agoratest input { type filter hook input priority filter; policy accept; }
                add rule inet agoratest input ct state established,related accept

                """.utf8))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let status = directory.appendingPathComponent("status").path
        let signal = directory.appendingPathComponent("signal").path
        let server = try VethPair.start(
            in: pair.left, ["/usr/bin/python3", "-c", EchoScripts.server, pair.leftAddress, "7007"])
        defer { server.terminate() }
        #expect(
            await waitUntil(seconds: 5) {
                (try? pair.left.runner.run("ss", ["-ltn"]).stdoutText.contains(":7007")) == true
            })
        let client = try VethPair.start(
            in: pair.right, ["/usr/bin/python3", "-c", EchoScripts.client, pair.leftAddress, "7007", status, signal])
        defer { client.terminate() }
        #expect(await waitUntil(seconds: 5) { (try? String(contentsOfFile: status, encoding: .utf8)) == "connected" })
        let trackedBefore = try pair.right.runner.check("conntrack", ["-L", "-f", "ipv4"]).stdoutText
        #expect(trackedBefore.contains("dst=\(pair.leftAddress)"))

        let backend = NftablesBackend(runner: pair.right.runner, timeoutSeconds: 600)
        let result = await backend.apply(.block, to: ActionTarget(address: pair.leftAddress), reason: "test")
        #expect(result.status == .done)
        #expect(result.changes.map(\.resource) == [pair.leftAddress])
        #expect(result.changes.first?.kind == "nft_element")
        #expect(result.changes.first?.method.contains("timeout 600s") == true)

        let trackedAfter = try pair.right.runner.check("conntrack", ["-L", "-f", "ipv4"]).stdoutText
        #expect(!trackedAfter.contains("=\(pair.leftAddress) "))
        #expect(try !pair.pingFromRight(pair.leftAddress))
        _ = FileManager.default.createFile(atPath: signal, contents: Data())
        #expect(await waitUntil(seconds: 6) { (try? String(contentsOfFile: status, encoding: .utf8)) == "dead" })
        #expect(await backend.verify(result.changes).status == .done)

        let release = await backend.release(result.changes)
        #expect(release.status == .done)
        #expect(release.changes.first?.after == "absent")
        #expect(try pair.pingFromRight(pair.leftAddress))
        #expect(try await backend.members().isEmpty)
        let verifyAfterRelease = await backend.verify(result.changes)
        #expect(verifyAfterRelease.status == .failed)

        // Other tables in the namespace and the host's tables are left as they were.
        let tables = try pair.right.runner.check("nft", ["list", "tables"]).stdoutText
        #expect(tables.contains("table inet agoratest"))
        #expect(tables.contains("table inet agora"))
        #expect(try CommandRunner().check("nft", ["list", "tables"]).stdoutText == hostTables)
    }

    @Test func tenThousandInOneBatch() async throws {
        let namespace = try NetworkNamespace.create(prefix: "t")
        defer { namespace.delete() }
        let addresses = (0..<10_000).map { "198.18.\($0 >> 8).\($0 & 255)" }
        let backend = NftablesBackend(runner: namespace.runner)

        let result = await backend.apply(batch: addresses, timeoutSeconds: 3600)
        #expect(result.status == .done)
        #expect(result.changes.count == 10_000)
        let members = try await backend.members()
        #expect(members.count == 10_000)
        #expect(members == Set(addresses))
        let listing = try namespace.runner.check("nft", ["-j", "list", "set", "inet", "agora", "blocked4"])
        #expect(listing.stdoutText.contains("\"timeout\": 3600"))

        let release = await backend.release(result.changes)
        #expect(release.status == .done)
        #expect(try await backend.members().isEmpty)
    }

    @Test func addressesCheckedAndCanonical() async throws {
        let namespace = try NetworkNamespace.create(prefix: "t")
        defer { namespace.delete() }
        let backend = NftablesBackend(runner: namespace.runner)

        let invalid = await backend.apply(batch: ["192.0.2.0/24"], timeoutSeconds: nil)
        #expect(invalid.status == .failed)
        #expect(invalid.detail.contains("invalid address \"192.0.2.0/24\""))
        let injected = await backend.apply(batch: ["192.0.2.1 }; flush ruleset; {"], timeoutSeconds: nil)
        #expect(injected.status == .failed)

        let result = await backend.apply(batch: ["2001:DB8:0:0::7", "192.0.2.7", "192.0.2.7"], timeoutSeconds: nil)
        #expect(result.status == .done)
        #expect(Set(result.changes.map(\.resource)) == ["2001:db8::7", "192.0.2.7"])
        #expect(try await backend.members() == ["2001:db8::7", "192.0.2.7"])

        let again = await backend.apply(.block, to: ActionTarget(address: "192.0.2.7"), reason: "repeat")
        #expect(again.status == .alreadyInState)
        #expect(again.changes.isEmpty)

        let released = await backend.release(result.changes)
        #expect(released.status == .done)
        let twice = await backend.release(result.changes)
        #expect(twice.status == .alreadyInState)
    }

    @Test func benchmarkEntryPoint() async throws {
        let (seconds, result) = try await NftablesBackend.measureBatch(count: 500)
        #expect(seconds > 0)
        #expect(result.changes.count == 500)
    }
}
