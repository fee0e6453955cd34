import Datalog
import Testing

@testable import DataSources

@Suite struct FeedLoaderTests {
    func load(_ path: String, loader: FeedLoader = FeedLoader()) throws -> LoadedFeed {
        loader.load(try SharedData.bytes(path), name: path)
    }

    struct Expectation {
        var path: String
        var format: FeedFormat
        var entries: Int
        var first: String?
        var category: String?
    }

    /// Every blocklist file with the entry count and first entry read from it by hand.
    static let loadable: [Expectation] = [
        .init(
            path: "abusech-feodo/ipblocklist-2021-12-20.csv", format: .feodoCSV, entries: 750,
            first: "51.178.161.32/32", category: "Dridex"),
        .init(
            path: "abusech-feodo/ipblocklist-2024-04-04.csv", format: .feodoCSV, entries: 28, first: "192.9.135.73/32",
            category: "Pikabot"),
        .init(path: "criticalpath-public-feeds/abuse-ch-ipblocklist.txt", format: .plain, entries: 7980),
        .init(
            path: "criticalpath-public-feeds/compromised-ips.txt", format: .plain, entries: 539,
            first: "101.100.216.61/32"),
        .init(path: "criticalpath-public-feeds/threatfox.txt", format: .plain, entries: 3482),
        .init(path: "criticalpath-public-feeds/tor-exit.txt", format: .plain, entries: 3251),
        .init(
            path: "crowdsec/decisions.csv", format: .crowdsec, entries: 5, first: "1.6.11.16/32",
            category: "manual import from csv"),
        .init(path: "crowdsec/decisions.json", format: .crowdsec, entries: 5, first: "1.6.11.16/32"),
        .init(path: "dshield/block.txt", format: .dshield, entries: 20, first: "16.5.0.0/24"),
        .init(
            path: "fail2ban/recidive.log", format: .fail2ban, entries: 3, first: "1.2.3.4/32",
            category: "fail2ban [sendmail]"),
        .init(path: "firehol/dshield.netset", format: .plain, entries: 18, first: "45.135.232.0/24"),
        .init(path: "firehol/et_block.netset", format: .plain, entries: 1161, first: "1.10.16.0/20"),
        .init(path: "firehol/spamhaus_drop.netset", format: .plain, entries: 926),
        .init(
            path: "misp/event-sednit-existing_event.json", format: .misp, entries: 12, first: "87.236.211.182/32",
            category: "Network activity"),
        .init(path: "misp/event-sunorcal-to_delete1.json", format: .misp, entries: 2, first: "98.126.156.210/32"),
        .init(
            path: "spamhaus/drop-2023-02-20.txt", format: .plain, entries: 936, first: "1.10.16.0/20",
            category: "SBL256894"),
        .init(path: "spamhaus/drop.txt", format: .plain, entries: 1699, first: "1.10.16.0/20", category: "SBL256894"),
        .init(path: "spamhaus/secops-institute/drop_ipv6.txt", format: .plain, entries: 51, first: "2a12:2640::/29"),
        .init(path: "spamhaus/secops-institute/edrop.txt", format: .plain, entries: 322, first: "2.56.247.0/24"),
        .init(path: "stix2/infrastructure.json", format: .stix, entries: 1, first: "198.51.100.3/32"),
        .init(path: "stix2/poisonivy.json", format: .stix, entries: 40, first: "219.76.208.163/32"),
        .init(path: "tor/tor-exit-nodes.lst", format: .plain, entries: 1746, first: "101.99.92.179/32"),
        .init(
            path: "zeek-intel/compromised-ips.intel", format: .zeekIntel, entries: 539, first: "101.100.216.61/32",
            category: "Emerging-Threats"),
        .init(path: "zeek-intel/drb_ra_ip.intel", format: .zeekIntel, entries: 153, first: "1.15.76.39/32"),
        .init(
            path: "zeek-intel/lockbit_ip.intel", format: .zeekIntel, entries: 11, first: "139.60.160.200/32",
            category: "LockBit"),
    ]

    /// Files refused whole, with the start of the reason.
    static let refused: [(path: String, reason: String)] = [
        ("crowdsec/alert_ssh-bf.json", "the feed has no entries"),
        ("crowdsec/alert_stream_fixture.json", "every entry was dropped"),
        ("firehol/feodo.ipset", "the feed has no entries"),
        ("firehol/feodo_badips.ipset", "the feed has no entries"),
        ("firehol/sslbl.ipset", "the feed has no entries"),
        ("firehol/firehol_level1.netset", "line 2777 lists 224.0.0.0/3, shorter than the /8 floor"),
        ("spamhaus/secops-institute/asn_drop.json", "Spamhaus ASN-DROP lists autonomous systems"),
        ("stix2/indicator-for-c2-ip-address.json", "every entry was dropped"),
        ("stix2/indicators-for-C2-with-COA.json", "every entry was dropped"),
    ]

    @Test func everyBlocklistFile() throws {
        let covered = Set(Self.loadable.map(\.path) + Self.refused.map(\.path))
        let present = Set(
            SharedData.files(under: "data/blocklists").map { String($0.dropFirst("data/blocklists/".count)) })
        #expect(covered == present)

        for expectation in Self.loadable {
            let feed = try load("data/blocklists/" + expectation.path)
            #expect(feed.rejectionReason == nil, "\(expectation.path)")
            #expect(feed.format == expectation.format, "\(expectation.path)")
            #expect(feed.entries.count == expectation.entries, "\(expectation.path)")
            if let first = expectation.first {
                #expect(feed.entries.first?.network.description == first, "\(expectation.path)")
            }
            if let category = expectation.category {
                #expect(feed.entries.first?.category == category, "\(expectation.path)")
            }
        }
        for (path, reason) in Self.refused {
            let feed = try load("data/blocklists/" + path)
            #expect(feed.rejectionReason?.hasPrefix(reason) == true, "\(path): \(feed.rejectionReason ?? "loaded")")
            #expect(feed.entries.isEmpty, "\(path)")
        }
    }

    @Test func droppedEntriesNameTheReason() throws {
        let threatfox = try load("data/blocklists/criticalpath-public-feeds/threatfox.txt")
        #expect(threatfox.rejected.map(\.line) == [1294])
        #expect(threatfox.rejected.first?.reason == "overlaps 100.64.0.0/10, a shared CGN range")
        let fail2ban = try load("data/blocklists/fail2ban/recidive.log")
        #expect(fail2ban.rejected.first?.value == "10.0.0.7/32")
    }

    @Test func lowerFloorLoadsLevelOne() throws {
        var policy = FeedPolicy()
        policy.minimumIPv4Prefix = 3
        let feed = try load("data/blocklists/firehol/firehol_level1.netset", loader: FeedLoader(policy: policy))
        #expect(feed.rejectionReason == nil)
        let dropped = Set(feed.rejected.map(\.value))
        #expect(dropped.contains("10.0.0.0/8"))
        #expect(dropped.contains("127.0.0.0/8"))
        #expect(dropped.contains("224.0.0.0/3"))
        #expect(feed.entries.contains { $0.network.description == "1.10.16.0/20" })
    }

    @Test func reputationFilesAllLineEndings() throws {
        let categories = FeedLoader.parseReputationCategories(
            try SharedData.bytes("data/ids/suricata/verify/reputation-config/iprep-categories.txt"))
        #expect(categories[1] == "BadHosts")
        let loader = FeedLoader(reputationCategories: categories)
        for ending in ["cr", "lf", "cr-lf"] {
            let path = "data/ids/suricata/verify/reputation-config/reputation-config-\(ending)/iprep-data.txt"
            let feed = try load(path, loader: loader)
            #expect(feed.format == .suricataReputation, "\(ending)")
            #expect(feed.entries.map(\.network.description) == ["1.2.3.4/32", "1.2.3.5/32", "1.1.1.0/24"], "\(ending)")
            #expect(feed.entries.first?.category == "BadHosts", "\(ending)")
            #expect(feed.entries.last?.category == "reputation category 6", "\(ending)")
            #expect(feed.rejected.isEmpty, "\(ending)")
        }
        let cidr = try load("data/ids/suricata/verify/iprep-07-bug-6834-src-cidr/iprep.list")
        #expect(cidr.rejected.first?.value == "192.168.0.0/24")
        #expect(cidr.warnings.first?.value == "192.168.0.13/24")
        let both = try load("data/ids/suricata/verify/iprep-05-bug-6834-both/iprep.list")
        #expect(both.entries.map(\.network.description) == ["8.8.8.8/32"])
        let scirius = try load("data/ids/suricata/verify/issue-4280-iprep/scirius-iprep.list")
        #expect(scirius.entries.count == 27529)
        #expect(scirius.entries.first?.network.description == "4.4.4.4/32")
    }

    @Test func snortReputationList() throws {
        let feed = try load("data/ids/snort/snort3_demo/inspectors_reputation/ip.blocklist")
        #expect(feed.entries.map(\.network.description) == ["172.33.0.0/16", "172.33.1.5/32"])
        #expect(feed.warnings.first?.reason == "host bits set below the prefix, read as 172.33.0.0/16")
        #expect(feed.rejected.map(\.line) == [2, 5, 6])
    }

    @Test func internalRangesCase() throws {
        var policy = FeedPolicy()
        policy.protectedNetworks = [
            (IPNetwork("192.0.2.0/24")!, "tenant subnet sub-a"), (IPNetwork("192.0.2.2/32")!, "DHCP port of net-a"),
        ]
        let feed = try load("cases/B16-feed-internal-ranges/feed.txt", loader: FeedLoader(policy: policy))
        #expect(feed.entries.map(\.network.description) == ["203.0.113.66/32"])
        let reasons = Dictionary(uniqueKeysWithValues: feed.rejected.map { ($0.value, $0.reason) })
        #expect(reasons["10.0.0.0/8"] == "overlaps 10.0.0.0/8, a private range")
        #expect(reasons["127.0.0.0/8"] == "overlaps 127.0.0.0/8, a loopback range")
        #expect(reasons["192.0.2.0/24"] == "overlaps protected network 192.0.2.0/24 (tenant subnet sub-a)")
        #expect(reasons["192.0.2.2/32"] == "overlaps protected network 192.0.2.0/24 (tenant subnet sub-a)")
        #expect(reasons["169.254.169.254/32"] == "overlaps 169.254.0.0/16, a link-local range (metadata service)")
    }

    @Test func allowlistErrorsCase() throws {
        let loader = FeedLoader(policy: .allowlist)
        let broken = try load("cases/B17-allowlist-parse-errors/allowlist.conf", loader: loader)
        #expect(broken.rejectionReason?.hasPrefix("2 invalid line(s)") == true)
        #expect(broken.entries.isEmpty)
        #expect(broken.rejected.map(\.line) == [2, 4])
        #expect(broken.rejected.first?.reason.hasSuffix("did you mean 2001:db8:1:5b00::/56?") == true)

        let fixed = try load("cases/B17-allowlist-parse-errors/allowlist-fixed.conf", loader: loader)
        #expect(fixed.rejectionReason == nil)
        #expect(
            fixed.entries.map(\.network.description) == [
                "192.0.2.0/28", "198.51.100.7/32", "2001:db8:1:5b00::/56", "2001:db8:2:5b00::/56", "fe80::/10",
                "192.0.2.32/28", "2001:db8:3::10/128",
            ])
        let parsedBroken = FeedLoader(policy: .allowlist).load(
            Array("192.0.2.37/28\n".utf8), name: "allowlist.conf")
        #expect(parsedBroken.entries.first?.network.description == "192.0.2.32/28")
        #expect(parsedBroken.warnings.first?.line == 1)
    }

    @Test func urlIsNeverAPrefix() {
        let feed = FeedLoader().load(
            Array("http://198.51.100.7/24/gate.php\n203.0.113.9\n".utf8), name: "urls.txt", format: .plain)
        #expect(feed.entries.map(\.network.description) == ["203.0.113.9/32"])
        #expect(feed.rejected.first?.reason.hasPrefix("a URL") == true)
    }

    @Test func byteOrderMarkAndWhitespace() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("203.0.113.9 \t\r\n\t198.51.100.0/24  ; SBL1\r\n".utf8)
        let feed = FeedLoader().load(bytes, name: "bom.txt")
        #expect(feed.rejected.isEmpty)
        #expect(feed.entries.map(\.network.description) == ["203.0.113.9/32", "198.51.100.0/24"])
        #expect(feed.entries.last?.category == "SBL1")
    }

    @Test func wholeSpaceRejected() {
        let ipv4 = FeedLoader().load(Array("203.0.113.9\n0.0.0.0/0\n".utf8), name: "all.txt")
        #expect(ipv4.rejectionReason == "line 2 lists 0.0.0.0/0, the whole IPv4 space")
        let ipv6 = FeedLoader().load(Array("::/0\n".utf8), name: "all6.txt")
        #expect(ipv6.rejectionReason == "line 1 lists ::/0, the whole IPv6 space")
        let short = FeedLoader().load(Array("2001:db8::/15\n".utf8), name: "short6.txt")
        #expect(short.rejectionReason?.hasPrefix("line 1 lists 2000::/15, shorter than the /16 floor") == true)
    }
}
