import Datalog
import Foundation

/// Parses the line-based feed formats. Lines end in LF, CRLF or a lone CR; a byte-order mark,
/// tabs and trailing spaces are ignored.
struct TextFeedParser {
    var feed: String
    var defaultCategory: String
    var format: FeedFormat
    /// Category names by number, for Suricata reputation lists (from its categories file).
    var reputationCategories: [Int: String] = [:]

    func parse(_ bytes: [UInt8]) -> ParsedFeed {
        var result = ParsedFeed()
        var zeekFields: [String] = []
        var banned: [String: BlocklistEntry] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        for (index, rawLine) in splitFeedLines(text).enumerated() {
            let number = index + 1
            var line = rawLine
            if number == 1 { line = line.drop(while: { $0 == "\u{FEFF}" }) }
            if line.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            result.linesRead += 1

            switch format {
            case .zeekIntel:
                if line.hasPrefix("#fields") {
                    zeekFields = line.split(separator: "\t").dropFirst().map(String.init)
                    continue
                }
                if line.hasPrefix("#") { continue }
                readZeekIntel(line, fields: zeekFields, number: number, into: &result)
            case .fail2ban:
                readFail2ban(line, number: number, banned: &banned, into: &result)
            case .feodoCSV, .suricataReputation, .dshield, .crowdsec:
                if line.hasPrefix("#") || line.hasPrefix("\"first_seen_utc\"") || line.hasPrefix("origin,") { continue }
                readColumns(line, number: number, into: &result)
            default:
                readPlain(line, number: number, into: &result)
            }
        }
        if format == .fail2ban {
            result.entries += banned.values.sorted { $0.line < $1.line }
        }
        return result
    }

    /// A plain line: entries separated by commas or white space, then an optional `#` or `;` comment.
    private func readPlain(_ line: Substring, number: Int, into result: inout ParsedFeed) {
        // The separators are ASCII, so the line is scanned as bytes rather than `Character`s, which
        // made up most of a 1M-entry load.
        let bytes = line.utf8
        var content = bytes[...]
        var comment = ""
        if let mark = bytes.firstIndex(where: { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: ";") }) {
            content = bytes[..<mark]
            comment = Substring(bytes[bytes.index(after: mark)...]).trimmingCharacters(in: " \t")
        }
        let tokens = content.split(whereSeparator: {
            $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t")
        })
        let category = comment.hasPrefix("SBL") ? comment : defaultCategory
        for token in tokens {
            addNetwork(Substring(token), category: category, number: number, into: &result)
        }
    }

    /// Comma-separated (Feodo, Suricata reputation, CrowdSec) or tab-separated (DShield) columns.
    private func readColumns(_ line: Substring, number: Int, into result: inout ParsedFeed) {
        let separator: Character = format == .dshield ? "\t" : ","
        let columns = line.split(separator: separator, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: " \t\"")
        }
        switch format {
        case .dshield:
            guard columns.count >= 3 else {
                return reject(line, number, "expected start, end and prefix columns", &result)
            }
            addNetwork(columns[0] + "/" + columns[2], category: defaultCategory, number: number, into: &result)
        case .feodoCSV:
            guard columns.count >= 6 else { return reject(line, number, "expected 6 Feodo CSV columns", &result) }
            addNetwork(Substring(columns[1]), category: columns[5], number: number, into: &result)
        case .crowdsec:
            guard columns.count >= 5 else { return reject(line, number, "expected CrowdSec decision columns", &result) }
            guard columns[4] == "ban", ["ip", "range"].contains(columns[1].lowercased()) else { return }
            addNetwork(Substring(columns[2]), category: columns[3], number: number, into: &result)
        default:
            guard columns.count == 3, let category = Int(columns[1]), Int(columns[2]) != nil else {
                return reject(line, number, "expected address,category,score", &result)
            }
            let name = reputationCategories[category] ?? "reputation category \(category)"
            addNetwork(Substring(columns[0]), category: name, number: number, into: &result)
        }
    }

    private func readZeekIntel(_ line: Substring, fields: [String], number: Int, into result: inout ParsedFeed) {
        let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard let indicator = fields.firstIndex(of: "indicator"), let type = fields.firstIndex(of: "indicator_type"),
            values.count == fields.count
        else { return reject(line, number, "\(values.count) fields, the #fields header has \(fields.count)", &result) }
        guard values[type] == "Intel::ADDR" || values[type] == "Intel::SUBNET" else { return }
        let source = fields.firstIndex(of: "meta.source").map { values[$0] } ?? defaultCategory
        addNetwork(Substring(values[indicator]), category: source, number: number, into: &result)
    }

    private func readFail2ban(
        _ line: Substring, number: Int, banned: inout [String: BlocklistEntry], into result: inout ParsedFeed
    ) {
        guard !line.hasPrefix("#"), let notice = line.range(of: "NOTICE") else { return }
        let words = line[notice.upperBound...].split(separator: " ")
        guard words.count >= 3, let jail = words.first, words[1] == "Ban" || words[1] == "Unban" else { return }
        guard let network = try? IPNetwork.parse(String(words[2])) else {
            return reject(words[2], number, "not a valid IP address", &result)
        }
        let key = network.description
        if words[1] == "Ban" {
            banned[key] = BlocklistEntry(network: network, category: "fail2ban " + jail, line: number)
        } else {
            banned[key] = nil
        }
    }

    private func addNetwork(_ token: some StringProtocol, category: String, number: Int, into result: inout ParsedFeed)
    {
        switch parseFeedNetwork(token) {
        case .success(let written):
            result.entries.append(BlocklistEntry(network: written.network, category: category, line: number))
            if written.hadHostBits {
                result.warnings.append(
                    FeedRejection(
                        feed: feed, line: number, value: String(token),
                        reason: "host bits set below the prefix, read as \(written.network)"))
            }
        case .failure(let reason):
            reject(token, number, reason, &result)
        }
    }

    private func reject(_ value: some StringProtocol, _ number: Int, _ reason: String, _ result: inout ParsedFeed) {
        result.rejected.append(FeedRejection(feed: feed, line: number, value: String(value), reason: reason))
    }
}

/// Splits `text` into lines at LF, CRLF or a lone CR, keeping empty lines so line numbers hold.
///
/// It scans bytes instead of `Character`s for speed. The cut points are the same, because grapheme
/// clusters always break before and after CR and LF, except inside CRLF.
func splitFeedLines(_ text: String) -> [Substring] {
    var lines: [Substring] = []
    let utf8 = text.utf8
    var start = utf8.startIndex
    var index = start
    while index < utf8.endIndex {
        let byte = utf8[index]
        guard byte == 0x0A || byte == 0x0D else {
            index = utf8.index(after: index)
            continue
        }
        lines.append(Substring(utf8[start..<index]))
        index = utf8.index(after: index)
        if byte == 0x0D && index < utf8.endIndex && utf8[index] == 0x0A {
            index = utf8.index(after: index)
        }
        start = index
    }
    lines.append(Substring(utf8[start..<utf8.endIndex]))
    return lines
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set)
        let start = firstIndex(where: { !scalars.contains($0) }) ?? endIndex
        let end = lastIndex(where: { !scalars.contains($0) }).map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
