import Foundation

/// Runs `wrk` against one URL with a Lua script and reads the summary that the script's `done`
/// function prints, so no figure is parsed out of wrk's human-readable report.
struct WrkRunner {
    struct Summary {
        var requests: Int
        var seconds: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var errors: Int
        var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }
    }

    var threads = 2
    var connections = 64
    var seconds = 8
    let folder: String

    /// The Lua lines that print the summary; `request` functions are added before them.
    static let summaryScript = """
        done = function(summary, latency, requests)
          local errors = summary.errors.connect + summary.errors.read + summary.errors.write
            + summary.errors.status + summary.errors.timeout
          io.write(string.format("AGORA-WRK %d %d %d %d %d\\n", summary.requests, summary.duration,
            latency:percentile(50), latency:percentile(99), errors))
        end

        """

    /// Runs wrk for `seconds` with `script` (Lua that may set `request`) and the summary function.
    func run(_ url: String, script: String = "", name: String) throws -> Summary {
        let path = folder + "/\(name).lua"
        try (script + "\n" + Self.summaryScript).write(toFile: path, atomically: true, encoding: .utf8)
        let arguments = [
            "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--timeout", "10s", "-s", path, url,
        ]
        let result = Comparison.run("wrk", arguments)
        guard result.ok, let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("AGORA-WRK ") })
        else {
            throw BenchmarkError("wrk \(arguments.joined(separator: " ")) failed: \(result.output.suffix(400))")
        }
        let fields = line.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard fields.count == 5 else { throw BenchmarkError("wrk printed an unexpected summary: \(line)") }
        return Summary(
            requests: fields[0], seconds: Double(fields[1]) / 1e6, p50Milliseconds: Double(fields[2]) / 1e3,
            p99Milliseconds: Double(fields[3]) / 1e3, errors: fields[4])
    }
}
