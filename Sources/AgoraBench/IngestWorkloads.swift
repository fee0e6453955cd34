import DataSources
import Datalog
import Foundation

/// The inputs of `agora-bench ingest`, generated in the temporary folder from the shared data.
enum IngestWorkloads {
    /// The shared data folder: `$AGORA_SHARED`, else `shared` beside the repository root.
    static var sharedRoot: URL {
        if let path = ProcessInfo.processInfo.environment["AGORA_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // #filePath is <root>/Sources/AgoraBench/IngestWorkloads.swift.
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// Returns the alert lines of every Suricata EVE file in the shared data.
    static func realAlertLines() throws -> [String] {
        let folder = sharedRoot.appendingPathComponent("data/ids/suricata/eve")
        var lines: [String] = []
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        for case let file as URL in files ?? FileManager.DirectoryEnumerator() where file.pathExtension == "json" {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            for line in text.split(separator: "\n") where line.contains(#""event_type":"alert""#) {
                lines.append(String(line))
            }
        }
        return lines
    }

    /// Writes about `bytes` bytes of EVE alert lines, the real lines in turn with the source
    /// address and flow id varied so rows differ, and returns the file's contents.
    static func writeEVEFile(at path: String, bytes target: Int) throws -> [UInt8] {
        let templates = try realAlertLines()
        guard !templates.isEmpty else { throw BenchmarkError("no alert lines under \(sharedRoot.path)") }
        var output: [UInt8] = []
        output.reserveCapacity(target + 4096)
        var index = 0
        while output.count < target {
            var line = templates[index % templates.count]
            let source = "10.\((index >> 16) & 0xFF).\((index >> 8) & 0xFF).\(index & 0xFF)"
            if let range = line.range(of: #""flow_id":"#) {
                let end = line[range.upperBound...].firstIndex(where: { !$0.isNumber }) ?? line.endIndex
                line.replaceSubrange(range.upperBound..<end, with: String(1_000_000_000_000 + index))
            }
            if let range = line.range(of: #""src_ip":""#), let end = line[range.upperBound...].firstIndex(of: "\"") {
                line.replaceSubrange(range.upperBound..<end, with: source)
            }
            output.append(contentsOf: line.utf8)
            output.append(0x0A)
            index += 1
        }
        try Data(output).write(to: URL(fileURLWithPath: path))
        return output
    }

    /// Writes a plain feed of `count` entries, nine hosts to one /24 network, in public IPv4 space
    /// from 20.0.0.0 on, so the feed policy keeps every entry.
    static func writeBlocklist(at path: String, count: Int) throws {
        var text = "# generated benchmark feed\n"
        text.reserveCapacity(count * 16)
        let base: UInt32 = 20 << 24
        for index in 0..<count {
            if index % 10 == 9 {
                let network = base + UInt32(0x40_0000) + UInt32(index) << 8
                text += IPAddress(ipv4: network).description + "/24\n"
            } else {
                text += IPAddress(ipv4: base + UInt32(index) * 3).description + "\n"
            }
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// Writes a pcap file of `count` packets, the packets of the shared Ethernet captures in turn,
    /// and returns the total bytes of packet data.
    static func writeCapture(at path: String, count: Int) throws -> Int {
        let sources = [
            "data/pcaps/chad314159_infectedPCAP/infected.pcap", "data/pcaps/suricata-verify/ethernet-eve.pcap",
            "data/pcaps/zeek/wikipedia-filtered-plus-udp.pcap", "data/pcaps/suricata-verify/community-id-ipv6.pcap",
        ]
        var packets: [[UInt8]] = []
        for source in sources {
            let capture = try PacketCapture.open(file: sharedRoot.appendingPathComponent(source).path)
            guard capture.linkType == LinkType.ethernet else { continue }
            try capture.forEachPacket { _, _, bytes in
                packets.append(Array(bytes))
                return true
            }
        }
        guard !packets.isEmpty else { throw BenchmarkError("no Ethernet captures under \(sharedRoot.path)") }

        // The classic pcap format: a 24-byte file header, then a 16-byte header before each packet.
        var output: [UInt8] = []
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) } }
        append(0xA1B2_C3D4)
        append(0x0004_0002)  // version 2.4, little-endian halves
        append(0)
        append(0)
        append(262_144)
        append(UInt32(LinkType.ethernet))
        let handle = try FileHandle(forWritingTo: createEmpty(path))
        defer { try? handle.close() }
        var dataBytes = 0
        for index in 0..<count {
            let packet = packets[index % packets.count]
            append(1_700_000_000 + UInt32(index / 1_000_000))
            append(UInt32(index % 1_000_000))
            append(UInt32(packet.count))
            append(UInt32(packet.count))
            output.append(contentsOf: packet)
            dataBytes += packet.count
            if output.count > 1 << 22 {
                try handle.write(contentsOf: output)
                output.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: output)
        return dataBytes
    }

    private static func createEmpty(_ path: String) -> URL {
        FileManager.default.createFile(atPath: path, contents: nil)
        return URL(fileURLWithPath: path)
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
