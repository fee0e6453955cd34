/// Counts of what the sensor read, decoded and reported.
public struct SensorStatistics: Hashable, Sendable {
    public var packetsRead = 0
    /// Packets decoded down to IP addresses.
    public var decoded = 0
    public var ipv4 = 0
    public var ipv6 = 0
    /// Decoded fragments after the first, which give addresses but no ports.
    public var laterFragments = 0
    /// Decoded packets whose TCP, UDP, SCTP or DCCP ports were cut off by the snapshot length.
    public var transportTruncated = 0
    /// Packets not decoded, indexed by `DecodeFailure.rawValue`; a fixed array so counting
    /// needs no hashing.
    public var undecodableCounts = [Int](repeating: 0, count: DecodeFailure.allCases.count)
    public var alerts = 0
    public var flows = 0

    public init() {}

    /// Packets not decoded, by reason; reasons with no packets are left out.
    public var undecodable: [DecodeFailure: Int] {
        var result: [DecodeFailure: Int] = [:]
        for reason in DecodeFailure.allCases where undecodableCounts[reason.rawValue] > 0 {
            result[reason] = undecodableCounts[reason.rawValue]
        }
        return result
    }

    public var undecodableTotal: Int { undecodableCounts.reduce(0, +) }

    /// A multi-line summary for standard error.
    public var summary: String {
        var lines = [
            "packets read: \(packetsRead)",
            "decoded: \(decoded) (IPv4 \(ipv4), IPv6 \(ipv6), later fragments \(laterFragments), "
                + "transport header cut off \(transportTruncated))",
            "undecodable: \(undecodableTotal)",
        ]
        for reason in DecodeFailure.allCases where undecodableCounts[reason.rawValue] > 0 {
            lines.append("  \(reason): \(undecodableCounts[reason.rawValue])")
        }
        lines.append("events emitted: \(alerts + flows) (alert \(alerts), flow \(flows))")
        return lines.joined(separator: "\n")
    }
}
