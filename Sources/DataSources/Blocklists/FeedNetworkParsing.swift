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
    // Plain byte loops, because Foundation's `contains` and the generic `firstRange(of:)` each took
    // about a quarter of a 1M-entry load.
    let bytes = text.utf8
    if containsURLScheme(bytes) || text.hasPrefix("www.") {
        return .failure("a URL, not an address or network; list the address itself")
    }
    if bytes.contains(UInt8(ascii: "-")) && !bytes.contains(UInt8(ascii: ":")) {
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

/// Returns whether `bytes` contain `://`.
private func containsURLScheme(_ bytes: String.UTF8View) -> Bool {
    var twoBack: UInt8 = 0
    var oneBack: UInt8 = 0
    for byte in bytes {
        if twoBack == UInt8(ascii: ":") && oneBack == UInt8(ascii: "/") && byte == UInt8(ascii: "/") { return true }
        twoBack = oneBack
        oneBack = byte
    }
    return false
}
