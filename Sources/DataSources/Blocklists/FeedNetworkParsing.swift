import Datalog

enum FeedNetworkResult {
    case success(WrittenNetwork)
    case failure(String)
}

/// Parses one feed or allowlist entry as a network, with a reason and a hint when it is invalid.
///
/// A URL is rejected rather than read, so `http://198.51.100.7/24/x` never becomes a /24. An IPv6
/// network written without `::` and with fewer than eight groups (`2001:db8:1:5b00/56`) gets the
/// corrected form as a hint.
func parseFeedNetwork(_ token: some StringProtocol) -> FeedNetworkResult {
    let text = String(token)
    if text.contains("://") || text.hasPrefix("www.") {
        return .failure("a URL, not an address or network; list the address itself")
    }
    if text.contains("-") && !text.contains(":") {
        return .failure("an address range, not a network; write it as CIDR networks")
    }
    do {
        return .success(try parseWrittenNetwork(text))
    } catch {
        var reason = "not a valid network: \(error.reason)"
        if let hint = ipv6Hint(text) {
            reason += "; did you mean \(hint)?"
        }
        return .failure(reason)
    }
}

/// Suggests `a:b:c:d::/n` for an IPv6 network written with fewer than eight groups and no `::`.
private func ipv6Hint(_ text: String) -> String? {
    let parts = text.split(separator: "/", maxSplits: 1)
    guard let address = parts.first, address.contains(":"), !address.contains("::") else { return nil }
    let groups = address.split(separator: ":", omittingEmptySubsequences: false)
    guard groups.count < 8 else { return nil }
    let candidate = address + "::" + (parts.count == 2 ? "/" + parts[1] : "")
    guard (try? IPNetwork.parse(String(candidate))) != nil else { return nil }
    return String(candidate)
}
