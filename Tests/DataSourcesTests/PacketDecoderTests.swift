import Datalog
import Testing

@testable import DataSources

/// Hand-built frames for the cases the shared captures do not cover.
@Suite struct PacketDecoderTests {
    static let udp: [UInt8] = [0x04, 0xD2, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00]  // 1234 -> 53
    static let tcp: [UInt8] = [0x04, 0x57, 0x00, 0x50] + [UInt8](repeating: 0, count: 16)  // 1111 -> 80

    func ethernet(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        [UInt8](repeating: 0xAA, count: 12) + be16(type) + payload
    }

    func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    func vlanTag(_ id: UInt16, next: UInt16) -> [UInt8] { be16(id) + be16(next) }

    func ipv4(protocol number: UInt8, fragmentOffset: UInt16 = 0, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt16(20 + payload.count)
        return [0x45, 0] + be16(length) + [0, 1] + be16(fragmentOffset) + [64, number, 0, 0]
            + [192, 0, 2, 1] + [198, 51, 100, 7] + payload
    }

    func ipv6(next: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let source: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
        let destination: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2]
        return [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [next, 64] + source + destination + payload
    }

    func decode(_ bytes: [UInt8], linkType: Int32 = LinkType.ethernet) -> (DecodeFailure?, DecodedPacket) {
        var packet = DecodedPacket()
        let failure = bytes.withUnsafeBytes { PacketDecoder.decode($0, linkType: linkType, into: &packet) }
        return (failure, packet)
    }

    @Test func qinqIPv4() {
        let frame = ethernet(
            0x88A8, vlanTag(200, next: 0x8100) + vlanTag(2001, next: 0x0800) + ipv4(protocol: 17, Self.udp))
        let (failure, packet) = decode(frame)
        #expect(failure == nil)
        #expect(packet.vlanIDs == [200, 2001])
        #expect(packet.source.description == "192.0.2.1")
        #expect(packet.destination.description == "198.51.100.7")
        #expect(packet.sourcePort == 1234)
        #expect(packet.destinationPort == 53)
        #expect(packet.protocolName == "UDP")
    }

    @Test func ipv6ExtensionChain() {
        let hopByHop: [UInt8] = [43, 0, 1, 4, 0, 0, 0, 0]
        let routing: [UInt8] = [60, 1, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        let destinationOptions: [UInt8] = [44, 0, 1, 4, 0, 0, 0, 0]
        let fragment: [UInt8] = [6, 0, 0x00, 0x01, 0, 0, 0, 9]  // offset 0, more fragments
        let frame = ethernet(0x86DD, ipv6(next: 0, hopByHop + routing + destinationOptions + fragment + Self.tcp))
        let (failure, packet) = decode(frame)
        #expect(failure == nil)
        #expect(packet.source.description == "2001:db8::1")
        #expect(packet.destination.description == "2001:db8::2")
        #expect(packet.protocolName == "TCP")
        #expect(packet.hasPorts)
        #expect(packet.sourcePort == 1111)
        #expect(packet.destinationPort == 80)
        #expect(!packet.isLaterFragment)
    }

    @Test func ipv6LaterFragment() {
        let fragment: [UInt8] = [17, 0, 0x05, 0xC8, 0, 0, 0, 9]  // offset 185 (1480 bytes)
        let (failure, packet) = decode(ethernet(0x86DD, ipv6(next: 44, fragment + [1, 2, 3, 4, 5, 6, 7, 8])))
        #expect(failure == nil)
        #expect(packet.isLaterFragment)
        #expect(packet.protocolName == "UDP")
        #expect(!packet.hasPorts)
        #expect(packet.destination.description == "2001:db8::2")
    }

    @Test func ipv4LaterFragment() {
        let (failure, packet) = decode(ethernet(0x0800, ipv4(protocol: 6, fragmentOffset: 185, Self.tcp)))
        #expect(failure == nil)
        #expect(packet.isLaterFragment)
        #expect(!packet.hasPorts)
        #expect(packet.source.description == "192.0.2.1")
    }

    @Test func truncatedHeaders() {
        let whole = ethernet(0x8100, vlanTag(7, next: 0x0800) + ipv4(protocol: 17, Self.udp))
        #expect(decode(Array(whole.prefix(10))).0 == .truncated)
        #expect(decode(Array(whole.prefix(16))).0 == .truncated)
        #expect(decode(Array(whole.prefix(18 + 19))).0 == .truncated)
        // A hop-by-hop header that says it is 40 bytes long, with 4 captured.
        let ipv6Frame = ethernet(0x86DD, ipv6(next: 0, [6, 4, 0, 0]))
        #expect(decode(ipv6Frame).0 == .truncated)
    }

    @Test func truncatedTransportStillDecodes() {
        let frame = ethernet(0x0800, ipv4(protocol: 17, [0x04, 0xD2]))
        let (failure, packet) = decode(frame)
        #expect(failure == nil)
        #expect(packet.isTransportTruncated)
        #expect(!packet.hasPorts)
        #expect(packet.destination.description == "198.51.100.7")
    }

    @Test func invalidHeaders() {
        #expect(decode(ethernet(0x0806, [UInt8](repeating: 0, count: 28))).0 == .unknownEthertype)
        var badVersion = ipv4(protocol: 17, Self.udp)
        badVersion[0] = 0x55
        #expect(decode(ethernet(0x0800, badVersion)).0 == .invalidIPHeader)
        var shortHeader = ipv4(protocol: 17, Self.udp)
        shortHeader[0] = 0x44
        #expect(decode(ethernet(0x0800, shortHeader)).0 == .invalidIPHeader)
        #expect(decode(ethernet(0x86DD, ipv4(protocol: 6, Self.tcp))).0 == .invalidIPHeader)
    }

    @Test func mplsLabelStack() {
        let labels: [UInt8] = [0x00, 0x01, 0xD0, 0xFF, 0x00, 0x02, 0xD1, 0xFF]  // 29, then 45 with bottom of stack
        let (failure, packet) = decode(ethernet(0x8847, labels + ipv4(protocol: 17, Self.udp)))
        #expect(failure == nil)
        #expect(packet.destinationPort == 53)
        let pseudowire = ethernet(0x8847, [0x00, 0x01, 0xD1, 0xFF] + [0x00, 0x11, 0x22, 0x33])
        #expect(decode(pseudowire).0 == .unknownMPLSPayload)
    }

    @Test func tooManyVLANTags() {
        var payload: [UInt8] = []
        for _ in 0..<9 { payload += vlanTag(1, next: 0x8100) }
        #expect(decode(ethernet(0x8100, payload + [UInt8](repeating: 0, count: 40))).0 == .tooManyHeaders)
    }

    @Test func otherLinkTypes() {
        let ipv6Packet = ipv6(next: 17, Self.udp)
        var cooked2 = be16(0x86DD) + [UInt8](repeating: 0, count: 18)
        cooked2 += ipv6Packet
        #expect(decode(cooked2, linkType: LinkType.linuxCooked2).0 == nil)
        #expect(decode(ipv6Packet, linkType: 101).1.destinationPort == 53)
        #expect(decode([2, 0, 0, 0] + ipv4(protocol: 17, Self.udp), linkType: LinkType.null).0 == nil)
        #expect(decode(ipv6Packet, linkType: 147).0 == .unsupportedLinkType)
    }
}
