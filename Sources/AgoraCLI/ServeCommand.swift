import Agora
import DataSources
import Enforcement
import Foundation

/// `agora serve`: runs the service until SIGINT or SIGTERM.
enum ServeCommand {
    static let usage = """
        usage: agora serve [--config FILE] [--bind HOST:PORT] [--data-dir DIR] [--auth noauth|token|keystone]
                           [--simulated-cloud [--simulated-state FILE] [--simulated-latency-ms N]] [--help-config]

          --config FILE        agora.conf (oslo.config style); `--help-config` lists every option
          --bind HOST:PORT     listen address (default 127.0.0.1:1789)
          --data-dir DIR       where the store and ingest offsets live
          --auth STRATEGY      noauth (loopback only), token (Agora API keys) or keystone
          --simulated-cloud    add a simulated cloud (data source `simulated`, and its backend)
          --simulated-state FILE
                               keep the simulated cloud's state and a journal of its changes in FILE,
                               so that the cloud keeps its changes across restarts
          --simulated-latency-ms N
                               milliseconds each change of the simulated backend waits (default 0)
        """

    static func run(_ arguments: [String]) async -> Int32 {
        let parsed: CommandLineArguments
        do {
            parsed = try CommandLineArguments(
                arguments,
                valued: ["config", "bind", "data-dir", "auth", "log-level", "simulated-state", "simulated-latency-ms"],
                flags: ["help", "help-config", "simulated-cloud"])
        } catch let error as CommandLineArguments.UsageError {
            return fail("agora serve: \(error.message)\n\(usage)", status: 2)
        } catch {
            return fail("agora serve: \(error)", status: 2)
        }
        if parsed.switches.contains("help") {
            print(usage)
            return 0
        }
        if parsed.switches.contains("help-config") {
            print(ServiceConfiguration.helpText)
            return 0
        }

        var configuration: ServiceConfiguration
        do {
            configuration =
                try parsed[option: "config"].map { try ServiceConfiguration(file: $0) } ?? ServiceConfiguration()
            try applyOverrides(parsed, to: &configuration)
        } catch let error as CommandLineArguments.UsageError {
            return fail("agora serve: \(error.message)\n\(usage)", status: 2)
        } catch {
            return fail("agora serve: \(error)", status: 2)
        }

        let level = LogLevel(name: configuration.text("DEFAULT", "log_level")) ?? .info
        let logger = Logger(label: "agora", level: level)
        var cloud: SimulatedCloud?
        var journal: SimulatedCloudJournal?
        var latency = 0.0
        let simulatedOptions = ["simulated-state", "simulated-latency-ms"].filter { parsed[option: $0] != nil }
        if !simulatedOptions.isEmpty && !parsed.switches.contains("simulated-cloud") {
            return fail("agora serve: --\(simulatedOptions[0]) needs --simulated-cloud\n\(usage)", status: 2)
        }
        if let text = parsed[option: "simulated-latency-ms"] {
            guard let milliseconds = Int(text), milliseconds >= 0 else {
                return fail(
                    "agora serve: --simulated-latency-ms takes a whole number of milliseconds, not \(text)", status: 2)
            }
            latency = Double(milliseconds) / 1000
        }
        if parsed.switches.contains("simulated-cloud") {
            let demo = SimulatedCloud.demo()
            cloud = demo
            if let path = parsed[option: "simulated-state"] {
                do {
                    journal = try SimulatedCloudJournal(cloud: demo, url: URL(fileURLWithPath: path))
                } catch {
                    return fail(
                        "agora serve: loading the simulated cloud's state from \(path) failed: \(error)", status: 1)
                }
            }
            if !configuration.dataSources.contains(where: { $0.driver == "simulated" }) {
                configuration.dataSources.append(DataSourceConfig(name: "simulated", driver: "simulated"))
            }
        }
        let launcher: Launcher
        do {
            launcher = try await Launcher.start(
                configuration: configuration, simulatedCloud: cloud, simulatedLatency: latency, logger: logger)
        } catch {
            return fail("agora serve: \(error)", status: 1)
        }
        let banner = "agora \(AgoraVersion.current) serving \(launcher.url) (auth \(configuration.authStrategy))\n"
        FileHandle.standardOutput.write(Data(banner.utf8))
        if let token = launcher.bootstrapToken {
            // The key itself stays out of the output, which often ends up in a log.
            _ = token
            let path = (configuration.dataDirectory as NSString).appendingPathComponent("admin-token")
            FileHandle.standardOutput.write(
                Data("the first admin API key is in \(path) (readable by this user only)\n".utf8))
        }
        await waitForSignal()
        logger.info("stopping")
        launcher.stop()
        withExtendedLifetime(journal) {}
        return 0
    }

    static func applyOverrides(_ parsed: CommandLineArguments, to configuration: inout ServiceConfiguration) throws {
        if let bind = parsed[option: "bind"] {
            guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]) else {
                throw CommandLineArguments.UsageError(message: "--bind takes HOST:PORT, not \(bind)")
            }
            var host = String(bind[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            try configuration.set("DEFAULT", "bind_host", host)
            try configuration.set("DEFAULT", "bind_port", String(port))
        }
        if let directory = parsed[option: "data-dir"] { try configuration.set("DEFAULT", "data_dir", directory) }
        if let auth = parsed[option: "auth"] { try configuration.set("DEFAULT", "auth_strategy", auth) }
        if let level = parsed[option: "log-level"] { try configuration.set("DEFAULT", "log_level", level) }
    }

    /// Returns when the process gets SIGINT or SIGTERM.
    static func waitForSignal() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if once.set() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            signalSources = sources
        }
    }

    nonisolated(unsafe) static var signalSources: [DispatchSourceSignal] = []

    static func fail(_ message: String, status: Int32) -> Int32 {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return status
    }
}

/// True the first time `set` is called.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false

    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

extension LogLevel {
    init?(name: String) {
        switch name {
        case "debug": self = .debug
        case "info": self = .info
        case "warning": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
}
