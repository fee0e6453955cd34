import Foundation

/// Deletes the tracked connections of blocked addresses, so that open sessions end instead of
/// living on in the connection tracking table.
struct ConntrackFlush {
    let runner: CommandRunner

    /// Lists the tracked connections once per address family and deletes, for each given
    /// address that occurs in them, the entries with it as source and as destination.
    func flush(_ addresses: [(address: String, isIPv6: Bool)]) async throws {
        for (family, isIPv6) in [("ipv4", false), ("ipv6", true)] {
            let wanted = Set(addresses.filter { $0.isIPv6 == isIPv6 }.map(\.address))
            if wanted.isEmpty { continue }
            let listing = try await runner.checkAsync("conntrack", ["-L", "-f", family])
            let tracked = addressesIn(listing.stdoutText)
            for address in wanted.intersection(tracked).sorted() {
                for flag in ["-s", "-d"] {
                    try await delete(["-D", "-f", family, flag, address])
                }
            }
        }
    }

    /// conntrack exits with status 1 and "0 flow entries have been deleted" when nothing
    /// matched, which is not a failure here: the entry may have closed on its own.
    private func delete(_ arguments: [String]) async throws {
        do {
            try await runner.checkAsync("conntrack", arguments)
        } catch BackendError.commandFailed(_, let status, let stderr)
            where status == 1 && stderr.contains("0 flow entries")
        {
            return
        }
    }

    /// Collects the canonical addresses in the `src=` and `dst=` fields of `conntrack -L` output.
    private func addressesIn(_ text: String) -> Set<String> {
        var result = Set<String>()
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let equals = word.firstIndex(of: "=") else { continue }
            let key = word[..<equals]
            guard key == "src" || key == "dst" else { continue }
            if let parsed = IPAddressText.canonical(String(word[word.index(after: equals)...])) {
                result.insert(parsed.address)
            }
        }
        return result
    }
}
