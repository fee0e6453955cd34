extension FeedFormat {
    /// Guesses the format from the first non-comment lines of a feed.
    public static func detect(_ bytes: [UInt8]) -> FeedFormat {
        let head = String(decoding: bytes.prefix(64 * 1024), as: UTF8.self)
        let trimmed = head.drop(while: { $0 == "\u{FEFF}" || $0.isWhitespace })
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            if head.contains("\"asn\"") && head.contains("\"rir\"") { return .spamhausASNDrop }
            if head.contains("\"type\": \"bundle\"") || head.contains("\"type\":\"bundle\"") { return .stix }
            if head.contains("\"Event\"") || head.contains("\"Attribute\"") { return .misp }
            return .crowdsec
        }
        if head.contains("#fields\tindicator") { return .zeekIntel }
        if head.contains("first_seen_utc") && head.contains("dst_ip") { return .feodoCSV }
        if head.contains("DShield.org Recommended Block List") { return .dshield }
        if head.contains("fail2ban.actions") { return .fail2ban }
        if head.hasPrefix("origin,scope,value") { return .crowdsec }
        let dataLines = head.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).filter {
            !$0.hasPrefix("#") && !$0.trimmingLeadingSpaces().isEmpty
        }
        let reputation = dataLines.prefix(5).allSatisfy { $0.split(separator: ",").count == 3 }
        if !dataLines.isEmpty && reputation { return .suricataReputation }
        return .plain
    }
}
