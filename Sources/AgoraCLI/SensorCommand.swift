import DataSources
import Datalog
import Dispatch
import Foundation

private let sensorUsage = """
    usage: agora sensor (--pcap FILE | --interface NAME) [--blocklist FILE]... [--all-flows]
                        [--output eve|facts] [--socket PATH] [--max-packets N]

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
    let options: CommandLineArguments
    do {
        options = try CommandLineArguments(
            arguments, valued: ["pcap", "interface", "blocklist", "output", "socket", "max-packets"],
            flags: ["all-flows"])
    } catch let error as CommandLineArguments.UsageError {
        return sensorUsageError(console, error.message)
    } catch {
        return sensorUsageError(console, "\(error)")
    }
    guard options.positional.isEmpty else {
        return sensorUsageError(
            console, "unexpected argument \(options.positional[0]); give the capture with --pcap FILE")
    }

    let pcap = options[option: "pcap"]
    let interface = options[option: "interface"]
    guard (pcap == nil) != (interface == nil) else {
        return sensorUsageError(console, "give exactly one of --pcap FILE and --interface NAME")
    }
    let format = options[option: "output"] ?? "eve"
    guard format == "eve" || format == "facts" else {
        return sensorUsageError(console, "invalid --output \(format); use eve or facts")
    }
    let socketPath = options[option: "socket"]
    if socketPath != nil && format != "eve" {
        return sensorUsageError(console, "--socket takes EVE lines; leave out --output \(format)")
    }
    var maximumPackets = Int.max
    if let text = options[option: "max-packets"] {
        guard let number = Int(text), number > 0 else {
            return sensorUsageError(console, "invalid --max-packets \(text); give a positive whole number")
        }
        maximumPackets = number
    }

    var feeds: [LoadedFeed] = []
    for path in options.values["blocklist"] ?? [] {
        // A FileHandle also reads pipes such as `<(...)`, which FileManager.contents does not.
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() else {
            console.error("agora sensor: cannot read blocklist \(path): no such file, or it is not readable")
            return 1
        }
        let feed = FeedLoader().load(Array(data), name: path)
        if let reason = feed.rejectionReason {
            console.error("agora sensor: blocklist \(path) rejected: \(reason); fix the file or leave it out")
            return 1
        }
        if !feed.rejected.isEmpty {
            console.error(
                "agora sensor: blocklist \(path): \(feed.rejected.count) entries rejected, first: \(feed.rejected[0])")
        }
        feeds.append(feed)
    }

    let capture: PacketCapture
    do {
        capture = try pcap.map { try PacketCapture.open(file: $0) } ?? PacketCapture.open(interface: interface!)
    } catch {
        console.error("agora sensor: \(error)")
        return 1
    }

    var socket: EVESocketWriter?
    if let socketPath {
        do {
            socket = try EVESocketWriter(path: socketPath)
        } catch {
            console.error("agora sensor: \(error)")
            return 1
        }
    }
    let output: (String) throws(SensorError) -> Void
    if let socket {
        output = { text throws(SensorError) in try socket.write(text) }
    } else {
        output = { text in console.output(text) }
    }

    let matcher = BlocklistMatcher(feeds: feeds)
    console.error("agora sensor: reading \(capture.source), \(matcher.count) blocklisted networks loaded")
    var sensor = PacketSensor(matcher: matcher, reportsAllFlows: options.switches.contains("all-flows"))
    let interruption = capture.isLive ? stopOnInterrupt(capture) : nil
    defer { interruption?.cancel() }

    var buffer = ""
    var writeError: SensorError?
    let flushThreshold = capture.isLive ? 0 : 1 << 16
    do throws(SensorError) {
        try sensor.run(capture, maximumPackets: maximumPackets) { event in
            guard writeError == nil else { return }
            if format == "eve" {
                buffer += event.eveLine() + "\n"
            } else {
                for fact in event.facts() { buffer += fact + "\n" }
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
        writeError = error
    }
    socket?.close()
    if let writeError {
        console.error("agora sensor: \(writeError)\n\(sensor.statistics.summary)")
        return 1
    }
    console.error(sensor.statistics.summary)
    return 0
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
