import Datalog
import Foundation
import Testing

@testable import DataSources

@Suite struct SensorCaptureTests {
    static let captures = SharedData.files(under: "data/pcaps")

    @Test func capturesListed() {
        #expect(Self.captures.count >= 23)
    }

    /// Every capture reads without a crash, agrees with the README's counts and hosts, and with
    /// tcpdump on the packet count and the outer (source, destination) pairs.
    @Test(arguments: captures) func captureMatchesReadme(path: String) throws {
        let run = try SensorRun(path)
        let statistics = run.statistics
        #expect(statistics.packetsRead > 0)
        #expect(statistics.decoded + statistics.undecodableTotal == statistics.packetsRead)

        let readme = try #require(try ReadmeCapture.find(path), "no README row for \(path)")
        #expect(statistics.packetsRead == readme.packets)
        #expect(statistics.ipv6 == readme.ipv6)
        if path.hasSuffix("mixed-vlan-mpls.pcap") {
            // The README leaves out the 11 MPLS-labelled IPv4 packets that tcpdump also decodes.
            #expect(statistics.ipv4 == readme.ipv4 + 11)
        } else {
            #expect(statistics.ipv4 == readme.ipv4)
        }
        let addresses = Set(run.pairs.flatMap { $0 })
        for host in readme.hosts {
            #expect(addresses.contains(host), "\(host) not decoded from \(path)")
        }

        if let lines = try Tcpdump.lines(path) {
            #expect(lines.count == statistics.packetsRead)
        }
        if let pairs = try Tcpdump.pairs(path) {
            #expect(run.pairs == pairs)
        }
    }

    @Test func infectedHostCapture() throws {
        let run = try SensorRun("data/pcaps/chad314159_infectedPCAP/infected.pcap")
        #expect(run.statistics.decoded == 303)
        #expect(run.statistics.undecodableTotal == 0)
        #expect(run.pairs.contains(["192.168.23.129", "59.53.91.102"]))
        #expect(run.pairs.contains(["192.168.23.129", "65.55.195.250"]))
        #expect(run.events.allSatisfy { $0.kind == .flow })
    }

    @Test func linuxCookedCapture() throws {
        let run = try SensorRun("data/pcaps/tcpdump/tcp-handshake-nano.pcap")
        #expect(run.statistics.decoded == 3)
        #expect(run.pairs == [["131.155.215.69", "137.116.81.94"], ["137.116.81.94", "131.155.215.69"]])
    }

    @Test func singleVLANTag() throws {
        let run = try SensorRun("data/pcaps/tcpdump/ipv4_tcp_http_xml.pcap")
        let event = try #require(run.events.first)
        #expect(run.events.count == 1)
        #expect(event.packet.vlanIDs == [165])
        #expect(event.packet.source.description == "10.21.11.94")
        #expect(event.packet.sourcePort == 80)
        #expect(event.packet.destination.description == "10.114.101.120")
        #expect(event.packet.destinationPort == 5767)
        #expect(event.packet.protocolName == "TCP")
    }

    @Test func vlanWithARP() throws {
        let run = try SensorRun("data/pcaps/zeek/icmp_dot1q.pcap")
        #expect(run.statistics.packetsRead == 15)
        #expect(run.statistics.decoded == 9)
        #expect(run.statistics.undecodable == [.unknownEthertype: 6])
        #expect(run.events.allSatisfy { $0.packet.vlanIDs == [123] })
        #expect(run.events.allSatisfy { $0.packet.protocolName == "ICMP" })
        #expect(run.pairs.contains(["192.168.123.2", "192.168.123.1"]))
        let request = run.events.first { $0.packet.source.description == "192.168.123.2" }
        #expect(request?.packet.hasICMPHeader == true)
        #expect(request?.packet.icmpType == 8)
        #expect(request?.eveLine().contains(#""icmp_type":8,"icmp_code":0"#) == true)
    }

    @Test func qinqTagsOnARP() throws {
        let capture = try PacketCapture.open(file: SharedData.url("data/pcaps/tcpdump/802.1ad_QinQ.pcap").path)
        var failures: [DecodeFailure?] = []
        var tags: [[Int]] = []
        try capture.forEachPacket { _, _, bytes in
            var packet = DecodedPacket()
            failures.append(PacketDecoder.decode(bytes, linkType: capture.linkType, into: &packet))
            tags.append(packet.vlanIDs)
            return true
        }
        #expect(failures == [.unknownEthertype, .unknownEthertype])
        #expect(tags == [[200, 2001], [200, 2001]])
    }

    @Test func mplsAndVLANMix() throws {
        let run = try SensorRun("data/pcaps/zeek/mixed-vlan-mpls.pcap")
        #expect(run.statistics.decoded == 47)
        let telnet = run.events.first { $0.packet.destinationPort == 23 }
        #expect(telnet?.packet.source.description == "10.1.2.1")
        #expect(telnet?.packet.destination.description == "10.34.0.1")
        #expect(run.events.contains { $0.packet.vlanIDs == [4093] })
    }

    @Test func ipv6Fragments() throws {
        let run = try SensorRun("data/pcaps/zeek/ipv6-fragmented-dns.pcap")
        #expect(run.statistics.ipv6 == 8)
        #expect(run.statistics.laterFragments == 3)
        let server = "2607:f740:b::f93"
        let client = "2001:470:1f11:81f:d138:5f55:6d4:1fe2"
        let laterFragments = run.events.filter { $0.packet.isLaterFragment }
        #expect(!laterFragments.isEmpty)
        for event in laterFragments {
            #expect(event.packet.source.description == server)
            #expect(event.packet.destination.description == client)
            #expect(event.packet.protocolName == "UDP")
            #expect(!event.packet.hasPorts)
        }
        // The first fragment of the 3230-byte DNS response carries the UDP header.
        let answer = run.events.first { $0.packet.hasPorts && $0.packet.destinationPort == 51851 }
        #expect(answer?.packet.sourcePort == 53)
        #expect(answer?.packet.source.description == server)
    }

    @Test func ipv6ExtensionHeaders() throws {
        let run = try SensorRun("data/pcaps/zeek/ipv6-http-atomic-frag.pcap")
        #expect(run.statistics.ipv6 == 38)
        #expect(run.statistics.undecodableTotal == 0)
        let ports = Set(run.events.filter { $0.packet.protocolName == "TCP" }.map(\.packet.sourcePort))
        // 36951 follows a destination options header, 59694 an atomic fragment header.
        #expect(ports.contains(36951))
        #expect(ports.contains(59694))
        #expect(run.pairs.contains(["2001:db8:1::2", "2001:db8:1::1"]))
    }
}
