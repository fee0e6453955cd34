// IP address and network built-ins. Inputs are strings; addresses compare by value, so
// `::ffff:192.0.2.1` equals `192.0.2.1`, and IPv4 addresses order below most of IPv6 because
// they are stored IPv4-mapped.

/// `ips_*`, `networks_equal`, `networks_overlap`, `ip_in_network`, `ip_canonical` and
/// `network_canonical`.
let networkBuiltins: [Builtin] = [
    addressTest("ips_equal") { $0 == $1 },
    addressTest("ips_lt") { $0 < $1 },
    addressTest("ips_lteq") { $0 <= $1 },
    addressTest("ips_gt") { $0 > $1 },
    addressTest("ips_gteq") { $0 >= $1 },
    .test("networks_equal") { a, b in
        guard let a = network(a), let b = network(b) else { return false }
        return a == b
    },
    // Congress returned true only when b's first or last address lay inside a, so it missed the
    // case of a inside b. This is the true overlap of the two ranges, symmetric in a and b.
    .test("networks_overlap") { a, b in
        guard let a = network(a), let b = network(b) else { return false }
        return a.overlaps(b)
    },
    .test("ip_in_network") { ip, cidr in
        guard let ip = address(ip), let cidr = network(cidr) else { return false }
        return cidr.contains(ip)
    },
    .unary("ip_canonical") { value in address(value).map { .string($0.description) } },
    .unary("network_canonical") { value in network(value).map { .string($0.description) } },
]

private func addressTest(_ name: String, _ predicate: @escaping @Sendable (IPAddress, IPAddress) -> Bool) -> Builtin {
    .test(name) { a, b in
        guard let a = address(a), let b = address(b) else { return false }
        return predicate(a, b)
    }
}

private func address(_ value: Value) -> IPAddress? {
    guard case .string(let text) = value else { return nil }
    return IPAddress(text)
}

private func network(_ value: Value) -> IPNetwork? {
    guard case .string(let text) = value else { return nil }
    return IPNetwork(text)
}
