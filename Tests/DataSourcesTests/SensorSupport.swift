import Datalog
import Foundation

@testable import DataSources

/// The events and counts of one sensor run over a shared capture.
struct SensorRun {
    var events: [SensorEvent] = []
    var statistics = SensorStatistics()

    /// Runs the sensor over `path` (relative to the shared data folder).
    init(_ path: String, blocklist: [String] = [], allFlows: Bool = true) throws {
        var matcher = BlocklistMatcher()
        for (line, text) in blocklist.enumerated() {
            let network = try IPNetwork.parse(text)
            matcher.insert(BlocklistEntry(network: network, category: "test", line: line + 1), feed: "test")
        }
        var sensor = PacketSensor(matcher: matcher, reportsAllFlows: allFlows)
        let capture = try PacketCapture.open(file: SharedData.url(path).path)
        var collected: [SensorEvent] = []
        try sensor.run(capture) { collected.append($0) }
        events = collected
        statistics = sensor.statistics
    }

    /// The distinct (source, destination) pairs of the events, in canonical text.
    var pairs: Set<[String]> {
        Set(events.map { [$0.packet.source.description, $0.packet.destination.description] })
    }
}

/// Reads captures with tcpdump, when it is installed, as an independent decoder to compare with.
enum Tcpdump {
    static let path: String? = ["/usr/bin/tcpdump", "/usr/sbin/tcpdump"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// tcpdump's one-line summaries of every packet in `path` (relative to the shared data folder).
    static func lines(_ path: String) throws -> [String]? {
        guard let executable = self.path else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-nr", SharedData.url(path).path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // A tunnelled packet continues on lines of its own; only a packet's first line has its time.
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        return lines.filter { $0.first?.isNumber == true }
    }

    /// Returns the outermost IP source and destination of each line that shows one, ports removed.
    static func pairs(_ path: String) throws -> Set<[String]>? {
        guard let lines = try lines(path) else { return nil }
        var result = Set<[String]>()
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            guard let index = words.firstIndex(where: { $0 == "IP" || $0 == "IP6" }), index + 3 < words.count,
                words[index + 2] == ">"
            else { continue }
            let destination = String(words[index + 3].dropLast())  // the trailing colon
            result.insert([stripPort(words[index + 1]), stripPort(destination)])
        }
        return result
    }

    /// Removes a `.port` suffix: IPv4 text with five dotted parts, or IPv6 text with a dot.
    static func stripPort(_ endpoint: String) -> String {
        let dots = endpoint.filter { $0 == "." }.count
        let isIPv6 = endpoint.contains(":")
        guard (isIPv6 && dots == 1) || (!isIPv6 && dots == 4), let last = endpoint.lastIndex(of: ".") else {
            return endpoint
        }
        return String(endpoint[..<last])
    }
}

/// What the shared data README lists for one capture: packet counts and the most frequent hosts.
struct ReadmeCapture {
    var packets: Int
    var ipv4: Int
    var ipv6: Int
    var hosts: [String]

    /// Returns the README row of `path`, or nil when it has none.
    static func find(_ path: String) throws -> ReadmeCapture? {
        let readme = String(decoding: try SharedData.bytes("data/README.md"), as: UTF8.self)
        let name = path.dropFirst("data/".count)
        guard let line = readme.split(separator: "\n").first(where: { $0.hasPrefix("| `\(name)` |") }) else {
            return nil
        }
        // Counts are written "303 pkts, 303 IPv4"; the description before them may name IPv4 too.
        func count(_ label: String) -> Int {
            let pattern = try? NSRegularExpression(pattern: "([0-9]+) \(label)\\b")
            let text = String(line)
            let range = NSRange(text.startIndex..., in: text)
            guard let match = pattern?.firstMatch(in: text, range: range),
                let digits = Range(match.range(at: 1), in: text)
            else { return 0 }
            return Int(text[digits]) ?? 0
        }
        var hosts: [String] = []
        if let start = line.range(of: "hosts ") {
            var text = String(line[start.upperBound...])
            if let end = text.range(of: " |") { text = String(text[..<end.lowerBound]) }
            if let more = text.range(of: " (+") { text = String(text[..<more.lowerBound]) }
            if text.hasSuffix(".") { text.removeLast() }
            hosts = text.components(separatedBy: ", ")
        }
        return ReadmeCapture(packets: count("pkts"), ipv4: count("IPv4"), ipv6: count("IPv6"), hosts: hosts)
    }
}
