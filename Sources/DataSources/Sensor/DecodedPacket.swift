import Datalog

/// The fields the sensor takes from one packet: the IP endpoints, the upper-layer protocol and
/// ports, and the VLAN tags it passed through. A plain value with no references, so decoding
/// into it allocates nothing.
public struct DecodedPacket: Hashable, Sendable {
    public var source = IPAddress(high: 0, low: 0)
    public var destination = IPAddress(high: 0, low: 0)
    /// 4 or 6.
    public var ipVersion: UInt8 = 0
    /// The IANA protocol number of the upper layer (6 TCP, 17 UDP, 58 ICMPv6, ...).
    public var transportProtocol: UInt8 = 0
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0
    /// Whether the ports were read: false for protocols without ports, for a fragment after the
    /// first, and for a transport header cut off by the capture's snapshot length.
    public var hasPorts = false
    /// Whether the ICMP or ICMPv6 type and code were read.
    public var hasICMPHeader = false
    public var icmpType: UInt8 = 0
    public var icmpCode: UInt8 = 0
    /// A fragment whose offset is not zero: it has addresses but no upper-layer header.
    public var isLaterFragment = false
    /// Whether the capture cut the packet before the ports of a TCP, UDP, SCTP or DCCP header.
    public var isTransportTruncated = false
    /// The number of VLAN tags, outermost first; only the first three IDs are kept.
    public var vlanCount: UInt8 = 0
    public var vlan0: UInt16 = 0
    public var vlan1: UInt16 = 0
    public var vlan2: UInt16 = 0

    public init() {}

    /// The VLAN IDs kept, outermost first. Allocates, so it is for reporting, not the packet loop.
    public var vlanIDs: [Int] {
        [vlan0, vlan1, vlan2].prefix(Int(min(vlanCount, 3))).map(Int.init)
    }

    mutating func addVLAN(_ id: UInt16) {
        switch vlanCount {
        case 0: vlan0 = id
        case 1: vlan1 = id
        case 2: vlan2 = id
        default: break
        }
        vlanCount &+= 1
    }

    /// The protocol name as Suricata writes it in EVE `proto`, or the number for others.
    public var protocolName: String {
        switch transportProtocol {
        case 1: return "ICMP"
        case 2: return "IGMP"
        case 6: return "TCP"
        case 17: return "UDP"
        case 47: return "GRE"
        case 50: return "ESP"
        case 58: return "IPv6-ICMP"
        case 132: return "SCTP"
        default: return String(transportProtocol)
        }
    }
}

/// The reason a packet could not be decoded to IP addresses.
public enum DecodeFailure: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// The capture contains fewer bytes than a link-layer, VLAN, MPLS or IP header needs.
    case truncated
    /// The Ethernet type (or the Linux cooked protocol) is not IPv4, IPv6, VLAN or MPLS, as for ARP.
    case unknownEthertype
    /// The payload under the last MPLS label is neither IPv4 nor IPv6.
    case unknownMPLSPayload
    /// The IP version field is not the one the link layer announced, or the IPv4 header length is below 20.
    case invalidIPHeader
    /// More than eight VLAN tags, MPLS labels or IPv6 extension headers in a row.
    case tooManyHeaders
    /// The capture's link type is not one the decoder reads.
    case unsupportedLinkType

    public var description: String {
        switch self {
        case .truncated: return "truncated"
        case .unknownEthertype: return "unknown ethertype"
        case .unknownMPLSPayload: return "unknown MPLS payload"
        case .invalidIPHeader: return "invalid IP header"
        case .tooManyHeaders: return "too many stacked headers"
        case .unsupportedLinkType: return "unsupported link type"
        }
    }
}
