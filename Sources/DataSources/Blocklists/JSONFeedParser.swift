import Foundation

/// Parses the JSON feed formats: STIX 2.1 bundles, MISP events and CrowdSec decisions.
///
/// Entries have no line numbers in these formats, so `line` is the position of the object in the
/// document (the nth STIX object, MISP attribute or CrowdSec decision), counting from 1.
struct JSONFeedParser {
    var feed: String
    var defaultCategory: String
    var format: FeedFormat

    func parse(_ bytes: [UInt8]) -> ParsedFeed {
        var result = ParsedFeed()
        if format == .spamhausASNDrop {
            result.linesRead = splitLines(bytes).count
            return result
        }
        let document: JSONDocument
        do {
            document = try JSONReader.parse(bytes)
        } catch {
            result.rejected.append(FeedRejection(feed: feed, line: 1, value: "", reason: error.description))
            return result
        }
        var collector = Collector(feed: feed)
        switch format {
        case .stix: readSTIX(document.value, into: &collector)
        case .misp: readMISP(document.value, into: &collector)
        default: readCrowdSec(document.value, into: &collector)
        }
        result.entries = collector.entries
        result.rejected = collector.rejected
        result.warnings = collector.warnings
        result.linesRead = collector.position
        return result
    }

    private func readSTIX(_ root: JSONValue, into collector: inout Collector) {
        for object in root["objects"]?.arrayValue ?? [] {
            collector.position += 1
            let type = object["type"]?.stringValue ?? ""
            if type == "ipv4-addr" || type == "ipv6-addr", let value = object["value"]?.stringValue {
                collector.add(value, category: defaultCategory)
            }
            guard type == "indicator", let pattern = object["pattern"]?.stringValue else { continue }
            let category = object["name"]?.stringValue ?? defaultCategory
            for value in stixAddressValues(in: pattern) {
                collector.add(value, category: category)
            }
        }
    }

    private func readMISP(_ root: JSONValue, into collector: inout Collector) {
        let event = root["Event"] ?? root
        var attributes = event["Attribute"]?.arrayValue ?? []
        for object in event["Object"]?.arrayValue ?? [] {
            attributes += object["Attribute"]?.arrayValue ?? []
        }
        for attribute in attributes {
            collector.position += 1
            let type = attribute["type"]?.stringValue ?? ""
            guard type == "ip-dst" || type == "ip-dst|port", let value = attribute["value"]?.stringValue else {
                continue
            }
            let address = type == "ip-dst|port" ? String(value.split(separator: "|").first ?? "") : value
            collector.add(address, category: attribute["category"]?.stringValue ?? defaultCategory)
        }
    }

    /// Reads decisions from a `cscli decisions import` array or from LAPI alerts that carry them.
    private func readCrowdSec(_ root: JSONValue, into collector: inout Collector) {
        var decisions: [JSONValue] = []
        for item in root.arrayValue ?? [root] {
            if let nested = item["decisions"] {
                decisions += nested.arrayValue ?? []
            } else {
                decisions.append(item)
            }
        }
        for decision in decisions {
            collector.position += 1
            let scope = (decision["scope"]?.stringValue ?? "").lowercased()
            guard decision["type"]?.stringValue == "ban", scope == "ip" || scope == "range",
                let value = decision["value"]?.stringValue
            else { continue }
            let category = decision["scenario"]?.stringValue ?? decision["reason"]?.stringValue ?? defaultCategory
            collector.add(value, category: category)
        }
    }

    private struct Collector {
        var feed: String
        var position = 0
        var entries: [BlocklistEntry] = []
        var rejected: [FeedRejection] = []
        var warnings: [FeedRejection] = []

        mutating func add(_ value: String, category: String) {
            switch parseFeedNetwork(value) {
            case .success(let written):
                entries.append(BlocklistEntry(network: written.network, category: category, line: position))
                if written.hadHostBits {
                    warnings.append(
                        FeedRejection(
                            feed: feed, line: position, value: value,
                            reason: "host bits set below the prefix, read as \(written.network)"))
                }
            case .failure(let reason):
                rejected.append(FeedRejection(feed: feed, line: position, value: value, reason: reason))
            }
        }
    }
}

/// The quoted values compared with `ipv4-addr:value` or `ipv6-addr:value` in a STIX pattern,
/// by `=` or `ISSUBSET`; comparisons such as `!=` are skipped because they do not list an address.
func stixAddressValues(in pattern: String) -> [String] {
    var values: [String] = []
    var rest = Substring(pattern)
    while let range = rest.range(of: "-addr:value") {
        let before = rest[..<range.lowerBound].suffix(4)
        rest = rest[range.upperBound...]
        guard before == "ipv4" || before == "ipv6" else { continue }
        let operation = rest.trimmingLeadingSpaces()
        guard operation.hasPrefix("=") || operation.hasPrefix("ISSUBSET") else { continue }
        guard let open = operation.firstIndex(of: "'") else { continue }
        let valueStart = operation.index(after: open)
        guard let close = operation[valueStart...].firstIndex(of: "'") else { continue }
        values.append(String(operation[valueStart..<close]))
        rest = operation[close...]
    }
    return values
}
