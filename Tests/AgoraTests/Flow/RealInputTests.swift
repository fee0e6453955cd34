import DataSources
import Datalog
import Enforcement
import Foundation
import OpenStack
import Testing

@testable import Agora

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Every EVE, Snort and Zeek file of the shared data through a running service: EVE files by
/// the file follower, Snort and Zeek files through the push API. Nothing may crash, every line
/// must be counted as read, every rejected line listed with a reason, and incidents open only
/// for VMs whose address met a blocklisted destination.
@Suite struct RealInputTests {
    static let ids = TestSupport.sharedFile("data/ids")
    static let feeds = [
        "criticalpath-public-feeds/abuse-ch-ipblocklist.txt", "criticalpath-public-feeds/compromised-ips.txt",
        "firehol/firehol_level1.netset", "firehol/feodo.ipset", "spamhaus/drop.txt", "dshield/block.txt",
    ]
    /// VM addresses given ports in the simulated cloud: sources seen in the files.
    static let vmAddresses = ["172.17.0.153", "10.10.31.101", "192.168.37.130", "172.17.0.2"]

    static func files(under folder: String, matching keep: (String) -> Bool) -> [URL] {
        let root = ids.appendingPathComponent(folder)
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        return (enumerator?.allObjects as? [URL] ?? []).filter { keep($0.lastPathComponent) }.sorted {
            $0.path < $1.path
        }
    }

    static let eveFiles = files(under: "suricata/eve") { $0.hasSuffix(".json") }
    static let snortFiles = files(under: "snort") {
        $0.hasPrefix("alert_") || $0 == "expected"
    }
    static let zeekFiles = files(under: "zeek") {
        $0.hasSuffix(".log") || $0.hasSuffix(".json") || $0.hasSuffix(".tsv")
    }

    /// Lines ended by LF: what a follower hands over (a last line without LF waits for its end).
    static func terminatedLines(_ url: URL) throws -> Int {
        try Data(contentsOf: url).reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) }
    }

    static func nonEmptyLines(_ url: URL) throws -> [ArraySlice<UInt8>] {
        Array(try Data(contentsOf: url)).split(separator: 0x0a, omittingEmptySubsequences: true)
    }

    /// The VMs the files should flag, worked out from the raw text: a line that names a VM's
    /// address and an address some feed lists.
    static func expectedFlagged() throws -> Set<String> {
        var networks: [IPNetwork] = []
        for feed in feeds {
            let text = try String(contentsOf: TestSupport.sharedFile("data/blocklists/" + feed), encoding: .utf8)
            for line in text.split(whereSeparator: \.isNewline) {
                let token = line.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "," || $0 == "\t" }).first
                if let token, !token.hasPrefix("#"),
                    let network = IPNetwork(String(token))
                        ?? IPAddress(String(token)).flatMap({
                            IPNetwork(address: $0, prefixLength: String(token).contains(":") ? 128 : 32)
                        }), network.prefixLength >= 8,
                    // Feeds may not list private, loopback and other special-purpose ranges.
                    !FeedPolicy.specialPurposeRanges.contains(where: { $0.network.overlaps(network) })
                {
                    networks.append(network)
                }
            }
        }
        let addressPattern = try NSRegularExpression(pattern: #"\b\d{1,3}(\.\d{1,3}){3}\b"#)
        var flagged: Set<String> = []
        for file in eveFiles + snortFiles + zeekFiles {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            for line in text.split(separator: "\n") {
                let string = String(line)
                let range = NSRange(string.startIndex..., in: string)
                let found = addressPattern.matches(in: string, range: range).compactMap {
                    Range($0.range, in: string).map { String(string[$0]) }
                }
                for vm in vmAddresses where found.contains(vm) {
                    let listed = found.contains { candidate in
                        candidate != vm
                            && IPAddress(candidate).map { address in networks.contains { $0.contains(address) } }
                                == true
                    }
                    if listed { flagged.insert(vm) }
                }
            }
        }
        return flagged
    }

    @Test func everyFileIsReadAndOnlyBlocklistedContactsFlag() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cloud = SimulatedCloud.demo()
        cloud.addProject(name: "lab")
        var vmByAddress: [String: String] = [:]
        for (index, address) in Self.vmAddresses.enumerated() {
            let cidr = address.split(separator: ".").prefix(3).joined(separator: ".") + ".0/24"
            cloud.addNetwork(name: "lab-\(index)", project: "lab", cidr: cidr)
            vmByAddress[address] = cloud.addServer(
                name: "lab-\(index)", project: "lab", network: "lab-\(index)", address: address)
        }

        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.path)
        try configuration.set("DEFAULT", "bind_port", "0")
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        try configuration.set("enforcement", "default_mode", "monitor")
        configuration.dataSources = [
            DataSourceConfig(name: "simulated", driver: "simulated"),
            DataSourceConfig(
                name: "eve", driver: "ids",
                options: ["files": Self.eveFiles.map(\.path).joined(separator: ","), "poll_interval_ms": "50"]),
            DataSourceConfig(name: "snort", driver: "ids", options: ["format": "snort"]),
            DataSourceConfig(name: "zeek", driver: "ids", options: ["format": "zeek"]),
            DataSourceConfig(
                name: "blocklist", driver: "blocklist",
                options: [
                    "feeds": Self.feeds.enumerated().map {
                        "feed\($0.offset)=" + TestSupport.sharedFile("data/blocklists/" + $0.element).path
                    }
                    .joined(separator: ",")
                ]),
        ]
        let launcher = try await Launcher.start(
            configuration: configuration, simulatedCloud: cloud, logger: Logger(label: "test", level: .error))
        defer { launcher.stop() }
        let client = TestHTTPClient(base: launcher.url)
        let library = try await client.call("GET", "/v1/librarypolicies?name=compromised_vm").json
        let libraryID = try #require(library["results"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try await client.call("POST", "/v1/policies?library_policy=\(libraryID)").status == 201)

        // Snort and Zeek through the push API, one request per file.
        var pushed: [String: Int] = ["snort": 0, "zeek": 0]
        for (source, files) in [("snort", Self.snortFiles), ("zeek", Self.zeekFiles)] {
            for file in files {
                let lines = try Self.nonEmptyLines(file)
                let body = lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
                var request = URLRequest(url: URL(string: launcher.url + "/v1/data-sources/\(source)/events")!)
                request.httpMethod = "POST"
                request.httpBody = Data(body.utf8)
                let (data, _) = try await URLSession.shared.data(for: request)
                let answer = try JSON.parse(data, source: file.path)
                #expect(answer["read"]?.intValue == Int64(lines.count), "\(file.path): \(answer)")
                pushed[source, default: 0] += lines.count
            }
        }

        // EVE through the follower: wait until every terminated line has been read.
        let eveLines = try Self.eveFiles.reduce(0) { $0 + (try Self.terminatedLines($1)) }
        let status = try await client.poll("/v1/data-sources/eve/status", seconds: 60) {
            $0["records_read"]?.intValue == Int64(eveLines)
        }
        #expect(status["records_read"]?.intValue == Int64(eveLines))
        #expect(try await client.call("GET", "/healthz").status == 200)

        for source in ["eve", "snort", "zeek"] {
            let status = try await client.call("GET", "/v1/data-sources/\(source)/status").json
            if source != "eve" { #expect(status["records_read"]?.intValue == Int64(pushed[source] ?? -1)) }
            let rejected = Int(status["records_rejected"]?.intValue ?? -1)
            let listed =
                try await client.call("GET", "/v1/data-sources/\(source)/rejections").json["results"]?.arrayValue ?? []
            #expect(listed.count == min(rejected, 200), "\(source): \(rejected) rejected, \(listed.count) listed")
            #expect(listed.allSatisfy { !($0["reason"]?.stringValue ?? "").isEmpty && $0["line"]?.intValue ?? 0 > 0 })
        }

        launcher.service.settle()
        let incidents = try await client.call("GET", "/v1/incidents").json["results"]?.arrayValue ?? []
        let flagged = Set(incidents.compactMap { $0["vm_id"]?.stringValue })
        let expected = Set(try Self.expectedFlagged().compactMap { vmByAddress[$0] })
        #expect(!expected.isEmpty)
        #expect(flagged == expected)
    }
}
