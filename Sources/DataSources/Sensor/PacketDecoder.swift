import Datalog

/// The link-layer header types the decoder reads, as libpcap's `pcap_datalink` returns them.
public enum LinkType {
    public static let null: Int32 = 0
    public static let ethernet: Int32 = 1
    /// `DLT_RAW` is 12 on Linux and 14 on OpenBSD; 101 is its number in a pcap file header.
    public static let raw: Set<Int32> = [12, 14, 101]
    public static let loop: Int32 = 108
    public static let linuxCooked: Int32 = 113
    public static let ipv4: Int32 = 228
    public static let ipv6: Int32 = 229
    public static let linuxCooked2: Int32 = 276

    /// Returns whether `decode` reads captures of `linkType`.
    public static func isSupported(_ linkType: Int32) -> Bool {
        [null, ethernet, loop, linuxCooked, ipv4, ipv6, linuxCooked2].contains(linkType) || raw.contains(linkType)
    }
}

/// Decodes captured bytes down to the IP header and the upper-layer ports.
///
/// Reads Ethernet (with any mix of 802.1Q, 802.1ad and QinQ tags), Linux cooked v1 and v2, BSD
/// loopback and raw IP links; MPLS label stacks; IPv4; IPv6 with hop-by-hop, routing, destination
/// options, fragment, authentication and mobility headers. A fragment after the first still gives
/// its addresses. Tunnels (GRE, VXLAN, Geneve, IP in IP) are reported by their outer header.
public enum PacketDecoder {
    private static let maximumStackedHeaders = 8

    /// Decodes `bytes`, captured on a link of `linkType`, into `packet`; returns nil on success.
    public static func decode(_ bytes: UnsafeRawBufferPointer, linkType: Int32, into packet: inout DecodedPacket)
        -> DecodeFailure?
    {
        packet = DecodedPacket()
        let reader = ByteReader(bytes: bytes)
        switch linkType {
        case LinkType.ethernet:
            guard reader.has(14) else { return .truncated }
            return decodeEthertype(reader.u16(12), at: 14, reader, &packet)
        case LinkType.linuxCooked:
            guard reader.has(16) else { return .truncated }
            return decodeEthertype(reader.u16(14), at: 16, reader, &packet)
        case LinkType.linuxCooked2:
            guard reader.has(20) else { return .truncated }
            return decodeEthertype(reader.u16(0), at: 20, reader, &packet)
        case LinkType.null, LinkType.loop:
            guard reader.has(4) else { return .truncated }
            return decodeByVersion(at: 4, reader, &packet)
        case LinkType.ipv4:
            return decodeIPv4(at: 0, reader, &packet)
        case LinkType.ipv6:
            return decodeIPv6(at: 0, reader, &packet)
        default:
            guard LinkType.raw.contains(linkType) else { return .unsupportedLinkType }
            return decodeByVersion(at: 0, reader, &packet)
        }
    }

    /// Picks IPv4 or IPv6 from the version nibble, for links and MPLS payloads without a type field.
    private static func decodeByVersion(at offset: Int, _ reader: ByteReader, _ packet: inout DecodedPacket)
        -> DecodeFailure?
    {
        guard reader.has(offset + 1) else { return .truncated }
        switch reader.u8(offset) >> 4 {
        case 4: return decodeIPv4(at: offset, reader, &packet)
        case 6: return decodeIPv6(at: offset, reader, &packet)
        default: return .invalidIPHeader
        }
    }

    private static func decodeEthertype(
        _ firstType: UInt16, at firstOffset: Int, _ reader: ByteReader, _ packet: inout DecodedPacket
    ) -> DecodeFailure? {
        var type = firstType
        var offset = firstOffset
        for _ in 0...maximumStackedHeaders {
            switch type {
            case 0x0800:
                return decodeIPv4(at: offset, reader, &packet)
            case 0x86DD:
                return decodeIPv6(at: offset, reader, &packet)
            case 0x8100, 0x88A8, 0x9100, 0x9200:
                // 802.1Q C-tag, 802.1ad S-tag, and the pre-standard QinQ types: TCI then the next type.
                guard reader.has(offset + 4) else { return .truncated }
                packet.addVLAN(reader.u16(offset) & 0x0FFF)
                type = reader.u16(offset + 2)
                offset += 4
            case 0x8847, 0x8848:
                return decodeMPLS(at: offset, reader, &packet)
            default:
                return .unknownEthertype
            }
        }
        return .tooManyHeaders
    }

    /// Skips MPLS labels up to the one with the bottom-of-stack bit and decodes the IP packet under it.
    private static func decodeMPLS(at firstOffset: Int, _ reader: ByteReader, _ packet: inout DecodedPacket)
        -> DecodeFailure?
    {
        var offset = firstOffset
        for _ in 0...maximumStackedHeaders {
            guard reader.has(offset + 4) else { return .truncated }
            let isBottom = reader.u8(offset + 2) & 0x01 != 0
            offset += 4
            guard isBottom else { continue }
            guard reader.has(offset + 1) else { return .truncated }
            switch reader.u8(offset) >> 4 {
            case 4: return decodeIPv4(at: offset, reader, &packet)
            case 6: return decodeIPv6(at: offset, reader, &packet)
            default: return .unknownMPLSPayload
            }
        }
        return .tooManyHeaders
    }

    private static func decodeIPv4(at offset: Int, _ reader: ByteReader, _ packet: inout DecodedPacket)
        -> DecodeFailure?
    {
        guard reader.has(offset + 20) else { return .truncated }
        let versionAndLength = reader.u8(offset)
        let headerLength = Int(versionAndLength & 0x0F) * 4
        guard versionAndLength >> 4 == 4, headerLength >= 20 else { return .invalidIPHeader }
        guard reader.has(offset + headerLength) else { return .truncated }

        packet.ipVersion = 4
        packet.transportProtocol = reader.u8(offset + 9)
        packet.source = IPAddress(ipv4: reader.u32(offset + 12))
        packet.destination = IPAddress(ipv4: reader.u32(offset + 16))
        let fragmentOffset = reader.u16(offset + 6) & 0x1FFF
        if fragmentOffset != 0 {
            packet.isLaterFragment = true
            return nil
        }
        readPorts(at: offset + headerLength, reader, &packet)
        return nil
    }

    private static func decodeIPv6(at offset: Int, _ reader: ByteReader, _ packet: inout DecodedPacket)
        -> DecodeFailure?
    {
        guard reader.has(offset + 40) else { return .truncated }
        guard reader.u8(offset) >> 4 == 6 else { return .invalidIPHeader }
        packet.ipVersion = 6
        packet.source = IPAddress(high: reader.u64(offset + 8), low: reader.u64(offset + 16))
        packet.destination = IPAddress(high: reader.u64(offset + 24), low: reader.u64(offset + 32))

        var next = reader.u8(offset + 6)
        var position = offset + 40
        for _ in 0...maximumStackedHeaders {
            switch next {
            case 0, 43, 60, 135, 139, 140, 253, 254:
                // Hop-by-hop, routing, destination options, mobility, HIP, shim6 and the experimental
                // numbers: next header, then the length in 8-byte units not counting the first 8.
                guard reader.has(position + 2) else { return .truncated }
                let length = (Int(reader.u8(position + 1)) + 1) * 8
                guard reader.has(position + length) else { return .truncated }
                next = reader.u8(position)
                position += length
            case 51:
                // The authentication header counts its length in 4-byte units, not counting the first 8.
                guard reader.has(position + 2) else { return .truncated }
                let length = (Int(reader.u8(position + 1)) + 2) * 4
                guard reader.has(position + length) else { return .truncated }
                next = reader.u8(position)
                position += length
            case 44:
                guard reader.has(position + 8) else { return .truncated }
                next = reader.u8(position)
                let fragmentOffset = reader.u16(position + 2) >> 3
                position += 8
                if fragmentOffset != 0 {
                    packet.transportProtocol = next
                    packet.isLaterFragment = true
                    return nil
                }
            default:
                packet.transportProtocol = next
                readPorts(at: position, reader, &packet)
                return nil
            }
        }
        return .tooManyHeaders
    }

    /// Reads the source and destination ports of TCP, UDP, DCCP, SCTP and UDP-Lite, which all
    /// start their header with them, and the type and code of ICMP and ICMPv6.
    private static func readPorts(at offset: Int, _ reader: ByteReader, _ packet: inout DecodedPacket) {
        switch packet.transportProtocol {
        case 6, 17, 33, 132, 136:
            guard reader.has(offset + 4) else {
                packet.isTransportTruncated = true
                return
            }
            packet.sourcePort = reader.u16(offset)
            packet.destinationPort = reader.u16(offset + 2)
            packet.hasPorts = true
        case 1, 58:
            guard reader.has(offset + 2) else { return }
            packet.icmpType = reader.u8(offset)
            packet.icmpCode = reader.u8(offset + 1)
            packet.hasICMPHeader = true
        default:
            break
        }
    }
}

/// Big-endian reads from captured bytes. Callers check `has` first; the reads themselves do not.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer

    /// Whether the first `count` bytes are present.
    @inline(__always) func has(_ count: Int) -> Bool { count <= bytes.count }

    @inline(__always) func u8(_ offset: Int) -> UInt8 { bytes.load(fromByteOffset: offset, as: UInt8.self) }

    @inline(__always) func u16(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) func u32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) func u64(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
