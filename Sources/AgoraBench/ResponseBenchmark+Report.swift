import Foundation

extension ResponseBenchmark {
    func render(_ result: Result) -> String {
        var lines = [
            "| phase | incidents | p50 | p99 | max | background feed achieved | target |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for (name, phase, target) in [
            ("no other traffic", result.idle, "n/a"),
            ("under the background feed", result.loaded, "p99 under 5 ms at 100,000 lines/s"),
        ] {
            let feed =
                phase.backgroundSeconds > 0
                ? String(
                    format: "%.0f lines/s (%d lines in %.1f s, asked for %d/s)",
                    Double(phase.backgroundLines) / phase.backgroundSeconds, phase.backgroundLines,
                    phase.backgroundSeconds, rate)
                : "none"
            let missed = phase.missed > 0 ? " (\(phase.missed) never reached the backend)" : ""
            lines.append(
                String(
                    format: "| %@ | %d%@ | %.2f ms | %.2f ms | %.2f ms | %@ | %@ |", name, phase.latencies.count,
                    missed, percentile(phase.latencies, 0.5), percentile(phase.latencies, 0.99),
                    phase.latencies.max() ?? 0, feed, target))
        }
        return lines.joined(separator: "\n")
    }

    /// Replaces the `## Response` section of BENCHMARKS.md in the current folder, or appends it.
    func writeReport(_ table: String, result: Result, arguments: [String]) {
        let marker = "## Response"
        let options = arguments.filter { $0 != "--no-write" }
        let command = (["swift run -c release agora-bench response"] + options).joined(separator: " ")
        let section = """
            \(sectionHeader(marker, command: command))
            The whole service runs in the benchmark's process on a simulated cloud of \(servers) VMs, with the
            `compromised_vm` library policy in enforce mode and a 1,001-entry plain feed. Each incident is one
            Suricata EVE alert line from a VM not flagged before, pushed in-process to the ids data source with
            `IDSSource.push` (the path `POST /v1/data-sources/ids/events` takes, without HTTP); the time runs from
            the push to the start of the simulated backend's `apply`, taken by a backend wrapper. Incidents run one
            at a time, 20 to 50 ms apart after the previous apply returns. The background feed pushes DNS, TLS and
            HTTP lines of VMs that are not flagged, in batches of up to \(max(rate / 1000, 1)) lines, from a thread
            of its own. It cycles through \(result.backgroundCount) pre-made lines that name \(result.distinctPairs)
            distinct source and destination pairs, so its first pass inserts mostly new `ids:ip_packet` rows and
            later passes refresh rows the ids source already holds. Starting the service and loading the cloud
            into the engine took \(String(format: "%.1f", result.startSeconds)) s. The store is SQLite in WAL mode
            with `synchronous = NORMAL` (`store_sync = normal`, the default) in a temporary folder.

            \(table)

            """
        DatalogBenchmark.replaceSection(marker, with: section, inFile: "BENCHMARKS.md")
    }
}
