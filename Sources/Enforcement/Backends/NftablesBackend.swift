import Foundation

/// Blocks addresses on this host with nftables: Agora's own table `inet agora` holds the sets
/// `blocked4` and `blocked6`, and chains on the input, forward and output hooks drop packets
/// from and to their members. No other table is read or changed.
///
/// The table is created on first use. A batch of addresses costs one `nft -f -` process for the
/// update, two `nft -j list table` reads (before and after) and one `conntrack -L` per address
/// family, plus two `conntrack -D` for each address that has tracked connections.
public final class NftablesBackend: ActionBackend, @unchecked Sendable {
    public let name = "nftables"
    public let runner: CommandRunner
    /// The element timeout of `apply`, normally the action's expiry; nil blocks until released.
    public let timeoutSeconds: Int?

    private let lock = NSLock()
    private var tableReady = false

    public init(runner: CommandRunner = CommandRunner(), timeoutSeconds: Int? = nil) {
        self.runner = runner
        self.timeoutSeconds = timeoutSeconds
    }

    public func supports(_ response: ResponseKind) -> Bool {
        response == .block
    }

    public func apply(_ response: ResponseKind, to target: ActionTarget, reason: String) async -> BackendResult {
        guard response == .block else {
            return BackendResult(status: .failed, detail: "the nftables backend only blocks addresses")
        }
        guard let address = target.address else {
            return BackendResult(status: .failed, detail: "block needs an address; the target has none")
        }
        return await apply(batch: [address], timeoutSeconds: timeoutSeconds)
    }

    /// Blocks many addresses in one nft transaction, then ends their tracked connections and
    /// reads both sets back. Addresses already blocked are left as they are, timeout included.
    /// On first use the table setup goes into the same transaction, so the drop takes one nft
    /// process after the listing.
    public func apply(batch addresses: [String], timeoutSeconds: Int?) async -> BackendResult {
        var collector = ResultCollector()
        do {
            let parsed = try canonicalize(addresses)
            let ready = lock.withLock { tableReady }
            // Before the first setup the table may not exist, and then nothing is blocked yet. A
            // listing that failed for another reason makes the update below fail too.
            let present = ready ? try await members() : ((try? await members()) ?? [])
            let missing = parsed.filter { !present.contains($0.address) }
            for entry in parsed where present.contains(entry.address) {
                collector.notes.append("\(entry.address) is already blocked")
            }
            guard !missing.isEmpty else {
                try await ensureTable()
                return collector.result()
            }

            var script = ready ? "" : NftablesScript.setup()
            script += NftablesScript.add(missing, timeoutSeconds: timeoutSeconds)
            try await runner.checkAsync("nft", ["-f", "-"], input: Data(script.utf8))
            lock.withLock { tableReady = true }
            try await ConntrackFlush(runner: runner).flush(missing)

            let after = try await members()
            let method = timeoutSeconds.map { "nft element with timeout \($0)s" } ?? "nft element without timeout"
            for entry in missing {
                if after.contains(entry.address) {
                    collector.changes.append(
                        AppliedChange(
                            kind: ChangeKind.nftElement.rawValue, resource: entry.address, before: "absent",
                            after: "present", method: method))
                } else {
                    collector.failed("\(entry.address) is not in its set after the update")
                }
            }
        } catch {
            // The table may have been deleted behind this backend's back, so the next call sets it up again.
            lock.withLock { tableReady = false }
            collector.failed("\(error)")
        }
        return collector.result()
    }

    public func verify(_ changes: [AppliedChange]) async -> BackendResult {
        var collector = ResultCollector()
        do {
            let present = try await members()
            for change in changes {
                let state = present.contains(change.resource) ? "present" : "absent"
                if state == change.after {
                    collector.changes.append(change)
                } else {
                    collector.failed(
                        "\(change.resource) is \(state) in Agora's nftables sets, expected \(change.after)")
                }
            }
        } catch {
            collector.failed("\(error)")
        }
        return collector.result()
    }

    /// Deletes the blocked addresses in one transaction and reads the sets back. An address
    /// whose element already expired or was deleted counts as released.
    public func release(_ changes: [AppliedChange]) async -> BackendResult {
        var collector = ResultCollector()
        do {
            let parsed = try canonicalize(changes.map(\.resource))
            try await ensureTable()
            let present = try await members()
            let toDelete = parsed.filter { present.contains($0.address) }
            for entry in parsed where !present.contains(entry.address) {
                collector.notes.append("\(entry.address) is no longer blocked")
            }
            guard !toDelete.isEmpty else { return collector.result() }

            try await runner.checkAsync("nft", ["-f", "-"], input: Data(NftablesScript.delete(toDelete).utf8))
            let after = try await members()
            for entry in toDelete {
                if after.contains(entry.address) {
                    collector.failed("\(entry.address) is still in its set after the delete")
                } else {
                    collector.changes.append(
                        AppliedChange(
                            kind: ChangeKind.nftElement.rawValue, resource: entry.address, before: "present",
                            after: "absent", method: "nft delete element"))
                }
            }
        } catch {
            collector.failed("\(error)")
        }
        return collector.result()
    }

    /// Reads the canonical addresses in both sets with one `nft -j list table`, which lists Agora's
    /// table with its sets and their elements. The table holds only `blocked4` and `blocked6`.
    public func members() async throws -> Set<String> {
        let arguments = ["-j", "list", "table", NftablesScript.family, NftablesScript.table]
        let output = try await runner.checkAsync("nft", arguments)
        return try NftablesListing.elements(output.stdout, command: runner.describe("nft", arguments))
    }

    private func canonicalize(_ addresses: [String]) throws -> [(address: String, isIPv6: Bool)] {
        var seen = Set<String>()
        var result: [(address: String, isIPv6: Bool)] = []
        for text in addresses {
            guard let parsed = IPAddressText.canonical(text) else { throw BackendError.invalidAddress(text) }
            if seen.insert(parsed.address).inserted { result.append(parsed) }
        }
        return result
    }

    private func ensureTable() async throws {
        if lock.withLock({ tableReady }) { return }
        try await runner.checkAsync("nft", ["-f", "-"], input: Data(NftablesScript.setup().utf8))
        lock.withLock { tableReady = true }
    }
}
