import Datalog
import Foundation
import Testing

@testable import DataSources

@Suite struct SensorBlocklistTests {
    static let httpGet = "data/pcaps/zeek/http-get.pcap"
    static let infected = "data/pcaps/chad314159_infectedPCAP/infected.pcap"

    /// Loads a blocklist file written in a temporary folder through the feed loader, as the CLI does.
    func matcher(listing lines: [String]) throws -> BlocklistMatcher {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("blocklist.txt")
        try Data(("# test feed\n" + lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let feed = FeedLoader().load(Array(try Data(contentsOf: file)), name: file.lastPathComponent)
        #expect(feed.rejectionReason == nil)
        #expect(feed.entries.count == lines.count)
        return BlocklistMatcher(feeds: [feed])
    }

    func run(_ path: String, matcher: BlocklistMatcher, allFlows: Bool = false) throws -> [SensorEvent] {
        var sensor = PacketSensor(matcher: matcher, reportsAllFlows: allFlows)
        var events: [SensorEvent] = []
        try sensor.run(try PacketCapture.open(file: SharedData.url(path).path)) { events.append($0) }
        return events
    }

    @Test func exactAddressAlerts() throws {
        let events = try run(Self.httpGet, matcher: try matcher(listing: ["192.150.187.43"]))
        // One TCP connection: only the client's direction goes to the listed address.
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.kind == .alert)
        #expect(event.packet.source.description == "141.142.228.5")
        #expect(event.packet.destination.description == "192.150.187.43")
        #expect(event.packet.destinationPort == 80)
        #expect(event.match?.network.description == "192.150.187.43/32")
        #expect(event.match?.feed == "blocklist.txt")
    }

    @Test func unlistedDestinationSilent() throws {
        let events = try run(Self.httpGet, matcher: try matcher(listing: ["192.0.2.1", "198.51.100.0/24"]))
        #expect(events.isEmpty)
    }

    @Test func networkAlertsMatchFlows() throws {
        let network = try IPNetwork.parse("65.55.0.0/16")
        let alerts = try run(Self.infected, matcher: try matcher(listing: ["65.55.0.0/16"]))
        let flows = try run(Self.infected, matcher: BlocklistMatcher(), allFlows: true)
        let expected = flows.filter { network.contains($0.packet.destination) }
        #expect(!alerts.isEmpty)
        #expect(alerts.allSatisfy { $0.kind == .alert })
        #expect(alerts.allSatisfy { network.contains($0.packet.destination) })
        #expect(alerts.map(\.packet) == expected.map(\.packet))
        #expect(alerts.map(\.flowID) == expected.map(\.flowID))
    }

    @Test func mostSpecificNetworkReported() throws {
        let matcher = try matcher(listing: ["65.0.0.0/8", "65.55.195.250", "65.55.0.0/16"])
        #expect(matcher.match(IPAddress("65.55.195.250")!)?.network.prefixLength == 32)
        #expect(matcher.match(IPAddress("65.55.1.1")!)?.network.prefixLength == 16)
        #expect(matcher.match(IPAddress("65.1.1.1")!)?.network.prefixLength == 8)
        #expect(matcher.match(IPAddress("66.1.1.1")!) == nil)
        #expect(matcher.match(IPAddress("::ffff:65.1.1.1")!)?.network.prefixLength == 8)
        #expect(matcher.match(IPAddress("2001:db8::1")!) == nil)
    }

    @Test func ipv6NetworkAlerts() throws {
        let path = "data/pcaps/suricata-verify/community-id-ipv6.pcap"
        let events = try run(path, matcher: try matcher(listing: ["2607:f8b0:400a:800::/64"]))
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { $0.packet.destination.description == "2607:f8b0:400a:800::200e" })
    }

    /// EVE lines the sensor writes read back through the EVE translator into the same rows.
    @Test(arguments: [infected, "data/pcaps/zeek/ipv6-fragmented-dns.pcap", "data/pcaps/zeek/icmp_dot1q.pcap"])
    func eveRoundTrip(path: String) throws {
        // The feed policy drops private addresses, which these captures are full of, so the
        // blocklist goes into the matcher directly.
        let flows = try SensorRun(path).events
        let listed = Set(flows.prefix(1).map { $0.packet.destination.description })
        let events = try SensorRun(path, blocklist: listed.sorted()).events
        #expect(events.count == flows.count)
        #expect(events.contains { $0.kind == .alert })
        #expect(events.contains { $0.kind == .flow })

        var translator = EVETranslator()
        var expected: [String: [Row]] = [:]
        for event in events {
            for (table, row) in IDSTables.rows(for: event.idsEvent) {
                expected[table, default: []].append(row)
            }
        }
        let contents = Array(events.map { $0.eveLine() + "\n" }.joined().utf8)
        let translation = translator.translate(contents: contents, file: "sensor.json")
        #expect(translation.rejected.isEmpty)
        #expect(translation.warnings.isEmpty)
        #expect(translation.rows["ids:ip_packet"] == expected["ids:ip_packet"])
        #expect(translation.rows["ids:alerts"] == expected["ids:alerts"])
        #expect(translation.rows["ids:flows"] == expected["ids:flows"])
        #expect(translation.rows["ids:ip_packet"]?.count == events.count)
    }

    @Test func factsOutput() throws {
        let events = try run(Self.httpGet, matcher: try matcher(listing: ["192.150.187.43"]))
        let facts = try #require(events.first).facts()
        #expect(facts.first == #"ids:ip_packet("141.142.228.5", "192.150.187.43")"#)
        #expect(facts.count == 2)
        #expect(facts.last?.hasPrefix(#"ids:alerts("agora-sensor", "#) == true)
    }
}

@Suite struct SensorFlowTableTests {
    static let httpGet = "data/pcaps/zeek/http-get.pcap"

    func flows(idleSeconds: Int64, maximumTrackedFlows: Int = 1 << 20) throws -> [SensorEvent] {
        var sensor = PacketSensor(
            matcher: BlocklistMatcher(), reportsAllFlows: true, maximumTrackedFlows: maximumTrackedFlows,
            flowIdleSeconds: idleSeconds)
        var events: [SensorEvent] = []
        try sensor.run(try PacketCapture.open(file: SharedData.url(Self.httpGet).path)) { events.append($0) }
        return events
    }

    @Test func flowReportedOnce() throws {
        #expect(try flows(idleSeconds: 300).count == 2)
    }

    @Test func idleFlowReportedAgain() throws {
        // With no idle time allowed, every packet starts its flow anew.
        #expect(try flows(idleSeconds: 0).count == 14)
    }

    @Test func fullTableStillReports() throws {
        // One slot for two busy flows: each change of direction finds the other flow dropped.
        let events = try flows(idleSeconds: 300, maximumTrackedFlows: 1)
        #expect(events.count > 2)
        #expect(events.count <= 14)
    }
}
