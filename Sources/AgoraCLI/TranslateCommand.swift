import DataSources
import Datalog
import Foundation

private let translateUsage = """
    usage: agora translate --driver suricata|snort|zeek|blocklist|nova|neutron [--year YEAR] FILE

    Prints the rows a data-source driver makes of FILE, one fact a line, and a summary of lines
    read, rows produced and lines rejected on standard error.

      --driver NAME   the driver whose translator reads FILE
      --year YEAR     the year of Snort times written without one (default: the current UTC year)
      --floor-ipv4 N  the shortest IPv4 prefix a feed may list (default 8); a feed listing a
                      shorter one is rejected whole
      --floor-ipv6 N  the same for IPv6 (default 16)
      -h, --help      show this help

    Exit status: 0 when FILE was read (even with rejected lines), 1 when it cannot be read,
    2 on a usage error.
    """

/// Runs `agora translate` with the arguments after the command name and returns the exit status.
public func runTranslate(arguments: [String]) -> Int32 {
    let console = TranslateConsole(
        output: { FileHandle.standardOutput.write(Data($0.utf8)) },
        error: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
    return runTranslate(arguments: arguments, console: console)
}

/// The destinations of `agora translate`'s facts and summary. Tests pass closures that collect them.
struct TranslateConsole {
    var output: (String) -> Void
    var error: (String) -> Void
}

func runTranslate(arguments: [String], console: TranslateConsole) -> Int32 {
    var driver: String?
    var year: Int64?
    var file: String?
    var policy = FeedPolicy()
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        switch argument {
        case "-h", "--help":
            console.output(translateUsage + "\n")
            return 0
        case "--floor-ipv4", "--floor-ipv6":
            let limit = argument == "--floor-ipv4" ? 32 : 128
            guard index + 1 < arguments.count, let floor = Int(arguments[index + 1]), (1...limit).contains(floor) else {
                return usageError(console, "\(argument) needs a prefix length from 1 to \(limit)")
            }
            if argument == "--floor-ipv4" { policy.minimumIPv4Prefix = floor } else { policy.minimumIPv6Prefix = floor }
            index += 2
        case "--driver", "--year":
            guard index + 1 < arguments.count else { return usageError(console, "\(argument) needs a value") }
            let value = arguments[index + 1]
            if argument == "--driver" {
                driver = value
            } else {
                guard let number = Int64(value), (1970...9999).contains(number) else {
                    return usageError(console, "invalid --year \(value); give a four-digit year such as 2024")
                }
                year = number
            }
            index += 2
        default:
            if argument.hasPrefix("-") && argument != "-" { return usageError(console, "unknown option \(argument)") }
            guard file == nil else { return usageError(console, "more than one FILE given: \(file!) and \(argument)") }
            file = argument
            index += 1
        }
    }
    guard let driver else { return usageError(console, "missing --driver") }
    guard let file else { return usageError(console, "missing FILE") }
    guard ["suricata", "snort", "zeek", "blocklist"].contains(driver) else {
        return usageError(console, "unknown driver \(driver); use suricata, snort, zeek or blocklist")
    }

    let bytes: [UInt8]
    if file == "-" {
        bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
    } else {
        guard let data = FileManager.default.contents(atPath: file) else {
            console.error("agora translate: cannot read \(file): no such file, or it is not readable")
            return 1
        }
        bytes = Array(data)
    }

    switch driver {
    case "suricata":
        var translator = EVETranslator()
        printTranslation(translator.translate(contents: bytes, file: file), console)
    case "snort":
        let currentYear = civilYear(SystemTimeSource().now())
        var translator = SnortTranslator(year: year ?? currentYear)
        printTranslation(translator.translate(contents: bytes, file: file), console)
    case "zeek":
        var translator = ZeekTranslator()
        printTranslation(translator.translate(contents: bytes, file: file), console)
    default:
        printFeed(FeedLoader(policy: policy).load(bytes, name: file), console)
    }
    return 0
}

private func usageError(_ console: TranslateConsole, _ message: String) -> Int32 {
    console.error("agora translate: \(message)\n\(translateUsage)")
    return 2
}

private func fact(_ table: String, _ row: Row) -> String {
    "\(table)(\(row.map(\.description).joined(separator: ", ")))"
}

private func civilYear(_ time: Timestamp) -> Int64 {
    Int64(time.description.prefix(4)) ?? 1970
}

private func printTranslation(_ translation: Translation, _ console: TranslateConsole) {
    var output = ""
    for event in translation.events {
        for (table, row) in IDSTables.rows(for: event) {
            output += fact(table, row) + "\n"
        }
    }
    console.output(output)

    var summary = "lines read: \(translation.linesRead)\nrows produced: \(translation.rowCount)"
    for table in translation.rows.keys.sorted() {
        summary += "\n  \(table): \(translation.rows[table]?.count ?? 0)"
    }
    let skipped = translation.skipped.keys.sorted().map { "\($0) \(translation.skipped[$0] ?? 0)" }
    if !skipped.isEmpty {
        summary += "\nlines skipped: " + skipped.joined(separator: ", ")
    }
    summary += "\nlines rejected: \(translation.rejected.count)"
    for rejection in translation.rejected {
        summary += "\n  \(rejection)"
    }
    if !translation.warnings.isEmpty {
        summary += "\nfield warnings: \(translation.warnings.count)"
        for warning in translation.warnings.prefix(20) {
            summary += "\n  \(warning)"
        }
    }
    console.error(summary)
}

private func printFeed(_ feed: LoadedFeed, _ console: TranslateConsole) {
    var store = BlocklistStore()
    let deltas = store.replace(feed: feed.name, entries: feed.entries)
    var output = ""
    for delta in deltas {
        for row in delta.inserted {
            output += fact(delta.table, row) + "\n"
        }
    }
    console.output(output)

    var summary = "format: \(feed.format.rawValue)\nlines read: \(feed.linesRead)"
    summary += "\nrows produced: \(deltas.reduce(0) { $0 + $1.inserted.count })"
    if let reason = feed.rejectionReason {
        summary += "\nfeed refused: \(reason)"
    }
    summary += "\nentries rejected: \(feed.rejected.count)"
    for rejection in feed.rejected {
        summary += "\n  \(rejection)"
    }
    for warning in feed.warnings {
        summary += "\n  warning: \(warning)"
    }
    console.error(summary)
}
