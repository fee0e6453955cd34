import Datalog

/// A sensor report: a new flow to a blocklisted destination (`alert`), or any new flow
/// when every flow is requested (`flow`).
public struct SensorEvent: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case alert
        case flow
    }

    public var kind: Kind
    public var time: Timestamp
    public var packet: DecodedPacket
    /// A hash of the flow's 5-tuple and direction, below 2^63.
    public var flowID: UInt64
    /// The blocklist entry the destination matched; set for alerts.
    public var match: BlocklistMatch?
}

/// A flow as the sensor tracks it: one direction of a 5-tuple.
struct FlowKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var sourcePort: UInt16
    var destinationPort: UInt16
    var transportProtocol: UInt8

    init(_ packet: DecodedPacket) {
        source = packet.source
        destination = packet.destination
        sourcePort = packet.sourcePort
        destinationPort = packet.destinationPort
        transportProtocol = packet.transportProtocol
    }

    /// An FNV-1a hash of the fields, stable across runs, unlike `hashValue`.
    var stableID: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for word in [source.high, source.low, destination.high, destination.low] {
            hash = (hash ^ word) &* 0x0000_0100_0000_01B3
        }
        let ports = UInt64(sourcePort) << 24 | UInt64(destinationPort) << 8 | UInt64(transportProtocol)
        hash = (hash ^ ports) &* 0x0000_0100_0000_01B3
        return hash & 0x7FFF_FFFF_FFFF_FFFF
    }
}

/// Decodes captured packets and reports flows whose destination a blocklist lists, and
/// optionally every new flow.
///
/// A flow is reported on its first packet, and again after `flowIdleSeconds` without packets, by
/// the packets' own times. Packets in between are only counted. Only reported flows enter the table
/// of seen flows, so without `reportsAllFlows` it grows with blocklisted flows alone. When the table
/// reaches `maximumTrackedFlows`, idle flows are dropped, and if none are idle the whole table is,
/// so a busy flow may then be reported again.
public struct PacketSensor {
    public var matcher: BlocklistMatcher
    public var reportsAllFlows: Bool
    public var maximumTrackedFlows: Int
    /// Seconds without a packet after which a flow counts as new again.
    public var flowIdleSeconds: Int64
    public private(set) var statistics = SensorStatistics()
    /// The time of each tracked flow's last packet, in microseconds.
    private var seenFlows: [FlowKey: Int64] = [:]
    private var packet = DecodedPacket()

    public init(
        matcher: BlocklistMatcher, reportsAllFlows: Bool = false, maximumTrackedFlows: Int = 1 << 20,
        flowIdleSeconds: Int64 = 300
    ) {
        self.matcher = matcher
        self.reportsAllFlows = reportsAllFlows
        self.maximumTrackedFlows = maximumTrackedFlows
        self.flowIdleSeconds = flowIdleSeconds
    }

    /// Decodes one packet captured on `linkType`, updates the counts and calls `emit` for each
    /// event it causes (at most one).
    @inline(__always)
    public mutating func process(
        _ bytes: UnsafeRawBufferPointer, time: Timestamp, linkType: Int32, emit: (SensorEvent) -> Void
    ) {
        statistics.packetsRead += 1
        if let failure = PacketDecoder.decode(bytes, linkType: linkType, into: &packet) {
            statistics.undecodableCounts[failure.rawValue] += 1
            return
        }
        statistics.decoded += 1
        if packet.ipVersion == 4 { statistics.ipv4 += 1 } else { statistics.ipv6 += 1 }
        if packet.isLaterFragment { statistics.laterFragments += 1 }
        if packet.isTransportTruncated { statistics.transportTruncated += 1 }

        let match = matcher.isEmpty ? nil : matcher.match(packet.destination)
        guard match != nil || reportsAllFlows else { return }

        let key = FlowKey(packet)
        let now = time.microseconds
        if let index = seenFlows.index(forKey: key) {
            let last = seenFlows.values[index]
            seenFlows.values[index] = now
            if now - last < flowIdleSeconds * 1_000_000 { return }
        } else {
            if seenFlows.count >= maximumTrackedFlows { dropIdleFlows(now: now) }
            seenFlows[key] = now
        }

        let kind: SensorEvent.Kind = match == nil ? .flow : .alert
        if kind == .alert { statistics.alerts += 1 } else { statistics.flows += 1 }
        emit(SensorEvent(kind: kind, time: time, packet: packet, flowID: key.stableID, match: match))
    }

    /// Drops the flows idle for `flowIdleSeconds`, or every flow when none is.
    private mutating func dropIdleFlows(now: Int64) {
        let limit = flowIdleSeconds * 1_000_000
        seenFlows = seenFlows.filter { now - $0.value < limit }
        if seenFlows.count >= maximumTrackedFlows { seenFlows.removeAll(keepingCapacity: true) }
    }

    /// Reads every packet of `capture` (up to `maximumPackets`) through `process`.
    public mutating func run(
        _ capture: PacketCapture, maximumPackets: Int = .max, emit: (SensorEvent) -> Void
    ) throws(SensorError) {
        let linkType = capture.linkType
        try capture.forEachPacket(maximumPackets: maximumPackets) { time, _, bytes in
            process(bytes, time: time, linkType: linkType, emit: emit)
            return true
        }
    }
}
