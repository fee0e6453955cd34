import Agora
import Foundation

/// `agora demo`: catches and isolates a compromised VM in a simulated cloud, narrating each step.
enum DemoCommand {
    static let usage = """
        usage: agora demo [--once] [--bind HOST:PORT] [--eve FILE]

          --once            run the scenario, print a summary and exit (0 when the VM was contained)
          --bind HOST:PORT  where the API and dashboard listen (default 127.0.0.1:1789)
          --eve FILE        replay this Suricata EVE file instead of the generated traffic
        """

    static func run(_ arguments: [String]) async -> Int32 {
        let parsed: CommandLineArguments
        do {
            parsed = try CommandLineArguments(arguments, valued: ["bind", "eve"], flags: ["once", "help"])
        } catch let error as CommandLineArguments.UsageError {
            return ServeCommand.fail("agora demo: \(error.message)\n\(usage)", status: 2)
        } catch {
            return ServeCommand.fail("agora demo: \(error)", status: 2)
        }
        if parsed.switches.contains("help") {
            print(usage)
            return 0
        }
        var options = DemoScenario.Options()
        if let bind = parsed[option: "bind"] {
            guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]) else {
                return ServeCommand.fail("agora demo: --bind takes HOST:PORT, not \(bind)", status: 2)
            }
            options.bindHost = String(bind[..<colon])
            options.bindPort = port
        }
        options.keepsRunning = !parsed.switches.contains("once")
        if let eve = parsed[option: "eve"] {
            guard FileManager.default.isReadableFile(atPath: eve) else {
                return ServeCommand.fail("agora demo: cannot read the EVE file \(eve)", status: 2)
            }
            options.eveFile = eve
            options.quietSeconds = 0
            options.timeoutSeconds = 20
        }

        let scenario = DemoScenario(options: options) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        let outcome: DemoScenario.Outcome
        do {
            outcome = try await scenario.run()
        } catch {
            scenario.stop()
            return ServeCommand.fail("agora demo: \(error)", status: 1)
        }
        if parsed.switches.contains("once") {
            let summary = [
                "", "Summary", "  incident:  \(outcome.incidentID ?? "none")",
                "  contained: \(outcome.contained ? "yes" : "no")",
                "  actions:   \(outcome.actions.isEmpty ? "none" : outcome.actions.joined(separator: ", "))",
            ]
            FileHandle.standardOutput.write(Data((summary.joined(separator: "\n") + "\n").utf8))
            scenario.stop()
            return outcome.contained || options.eveFile != nil ? 0 : 1
        }
        FileHandle.standardOutput.write(Data("\nAgora keeps running; press Ctrl-C to stop.\n".utf8))
        await ServeCommand.waitForSignal()
        scenario.stop()
        return 0
    }
}
