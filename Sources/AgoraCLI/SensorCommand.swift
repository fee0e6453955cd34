import DataSources
import Datalog
import Dispatch
import Foundation

private let sensorUsage = """
    usage: agora sensor (--pcap FILE | --interface NAME) [--blocklist FILE]... [--all-flows]
                        [--output eve|facts] [--socket PATH | --push URL --datasource NAME [--token T]]
                        [--max-packets N]

    Reads packets with libpcap and prints an event for each new flow whose destination a
    blocklist lists (exact addresses and CIDR networks), and with --all-flows for every new flow.
    A summary of packets read, decoded, undecodable by reason and events emitted goes to
    standard error.

      --pcap FILE         read a pcap or pcapng file
      --interface NAME    capture live on interface NAME (needs root) until interrupted
      --blocklist FILE    a feed in any format `agora translate --driver blocklist` reads; repeatable
      --all-flows         also report every new flow (one direction of a 5-tuple) as a flow event
      --output FORMAT     eve: Suricata EVE JSON lines (default); facts: ids:ip_packet and
                          ids:alerts / ids:flows facts
      --socket PATH       write the EVE lines to the unix stream socket an Agora server listens
                          on at PATH (as Suricata's unix_stream output does) instead of stdout
      --push URL          post the EVE lines to the Agora server at URL (such as
                          http://127.0.0.1:8080) instead of stdout, in batches to
                          /v1/data-sources/NAME/events; each alert is posted as soon as it is seen
      --datasource NAME   the ids data source that takes the lines; required with --push
      --token T           the API key sent as X-Auth-Token with --push (default: $AGORA_TOKEN)
      --max-packets N     stop after N packets
      -h, --help          show this help

    Exit status: 0 when the capture was read, 1 when it or a blocklist cannot be read, 2 on a
    usage error.
    """

/// Runs `agora sensor` with the arguments after the command name and returns the exit status.
public func runSensor(arguments: [String]) -> Int32 {
    let console = TranslateConsole(
        output: { FileHandle.standardOutput.write(Data($0.utf8)) },
        error: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
    return runSensor(arguments: arguments, console: console)
}

func runSensor(arguments: [String], console: TranslateConsole) -> Int32 {
    if arguments.contains("-h") || arguments.contains("--help") {
        console.output(sensorUsage + "\n")
        return 0
    }
    let options: SensorOptions
    do {
        options = try SensorOptions(arguments)
    } catch {
        return sensorUsageError(console, error.message)
    }
    guard let feeds = loadBlocklists(options.blocklists, console) else { return 1 }

    let capture: PacketCapture
    var socket: EVESocketWriter?
    var pusher: EVEPushWriter?
    do throws(SensorError) {
        if let file = options.pcap {
            capture = try PacketCapture.open(file: file)
        } else {
            capture = try PacketCapture.open(interface: options.interface ?? "")
        }
        if let path = options.socket { socket = try EVESocketWriter(path: path) }
    } catch {
        console.error("agora sensor: \(error)")
        return 1
    }
    if let push = options.push {
        pusher = EVEPushWriter(server: push.server, dataSource: push.dataSource, token: push.token)
    }
    let output: (String) throws(SensorError) -> Void
    if let socket {
        output = { text throws(SensorError) in try socket.write(text) }
    } else if let pusher {
        output = { text throws(SensorError) in try pusher.write(text) }
    } else {
        output = { text in console.output(text) }
    }

    let matcher = BlocklistMatcher(feeds: feeds)
    console.error("agora sensor: reading \(capture.source), \(matcher.count) blocklisted networks loaded")
    var sensor = PacketSensor(matcher: matcher, reportsAllFlows: options.allFlows)
    let interruption = capture.isLive ? stopOnInterrupt(capture) : nil
    defer { interruption?.cancel() }

    var failure = runCapture(capture, sensor: &sensor, options: options, output: output)
    socket?.close()
    do throws(SensorError) {
        try pusher?.finish()
    } catch {
        failure = failure ?? error
    }
    if let failure {
        console.error("agora sensor: \(failure)\n\(sensor.statistics.summary)")
        return 1
    }
    console.error(sensor.statistics.summary)
    return 0
}

/// The options of `agora sensor`, checked.
struct SensorOptions {
    var pcap: String?
    var interface: String?
    var blocklists: [String]
    var allFlows: Bool
    var facts: Bool
    var socket: String?
    var push: SensorPushOptions?
    var maximumPackets = Int.max

    init(_ arguments: [String]) throws(CommandLineArguments.UsageError) {
        let options: CommandLineArguments
        do {
            options = try CommandLineArguments(
                arguments,
                valued: [
                    "pcap", "interface", "blocklist", "output", "socket", "max-packets", "push", "datasource", "token",
                ],
                flags: ["all-flows"])
        } catch let error as CommandLineArguments.UsageError {
            throw error
        } catch {
            throw CommandLineArguments.UsageError(message: "\(error)")
        }
        if let extra = options.positional.first {
            throw .init(message: "unexpected argument \(extra); give the capture with --pcap FILE")
        }

        pcap = options[option: "pcap"]
        interface = options[option: "interface"]
        guard (pcap == nil) != (interface == nil) else {
            throw .init(message: "give exactly one of --pcap FILE and --interface NAME")
        }
        blocklists = options.values["blocklist"] ?? []
        allFlows = options.switches.contains("all-flows")

        let format = options[option: "output"] ?? "eve"
        guard format == "eve" || format == "facts" else {
            throw .init(message: "invalid --output \(format); use eve or facts")
        }
        facts = format == "facts"
        socket = options[option: "socket"]
        if socket != nil && facts {
            throw .init(message: "--socket takes EVE lines; leave out --output facts")
        }
        push = try SensorPushOptions(options, facts: facts, socket: socket)
        if let text = options[option: "max-packets"] {
            guard let number = Int(text), number > 0 else {
                throw .init(message: "invalid --max-packets \(text); give a positive whole number")
            }
            maximumPackets = number
        }
    }
}

/// Loads every blocklist file; prints the reason and returns nil when one cannot be used.
private func loadBlocklists(_ paths: [String], _ console: TranslateConsole) -> [LoadedFeed]? {
    var feeds: [LoadedFeed] = []
    for path in paths {
        // A FileHandle also reads pipes such as `<(...)`, which FileManager.contents does not.
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() else {
            console.error("agora sensor: cannot read blocklist \(path): no such file, or it is not readable")
            return nil
        }
        let feed = FeedLoader().load(Array(data), name: path)
        if let reason = feed.rejectionReason {
            console.error("agora sensor: blocklist \(path) rejected: \(reason); fix the file or leave it out")
            return nil
        }
        if let first = feed.rejected.first {
            console.error("agora sensor: blocklist \(path): \(feed.rejected.count) entries rejected, first: \(first)")
        }
        feeds.append(feed)
    }
    return feeds
}

/// Runs the sensor over `capture` and writes its events through `output`, in blocks of 64 KiB
/// from a file and one event at a time from an interface. Returns the error that stopped it.
private func runCapture(
    _ capture: PacketCapture, sensor: inout PacketSensor, options: SensorOptions,
    output: (String) throws(SensorError) -> Void
) -> SensorError? {
    var buffer = ""
    var writeError: SensorError?
    let flushThreshold = capture.isLive ? 0 : 1 << 16
    do throws(SensorError) {
        try sensor.run(capture, maximumPackets: options.maximumPackets) { event in
            guard writeError == nil else { return }
            if options.facts {
                for fact in event.facts() { buffer += fact + "\n" }
            } else {
                buffer += event.eveLine() + "\n"
            }
            guard buffer.utf8.count > flushThreshold else { return }
            do throws(SensorError) {
                try output(buffer)
            } catch {
                writeError = error
                capture.breakLoop()
            }
            buffer = ""
        }
        if writeError == nil { try output(buffer) }
    } catch {
        return error
    }
    return writeError
}

/// Makes SIGINT end a live capture, so the summary is still printed.
private func stopOnInterrupt(_ capture: PacketCapture) -> DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    let box = UncheckedCapture(capture: capture)
    source.setEventHandler { box.capture.breakLoop() }
    source.resume()
    return source
}

/// Carries the capture to the signal handler's queue; `breakLoop` is the only call made there.
private struct UncheckedCapture: @unchecked Sendable {
    let capture: PacketCapture
}

private func sensorUsageError(_ console: TranslateConsole, _ message: String) -> Int32 {
    console.error("agora sensor: \(message)\n\(sensorUsage)")
    return 2
}
