import Foundation

extension APIBenchmark {
    static func render(_ rows: [Row]) -> String {
        var lines = [
            "| workload | connections | agora requests/s | agora p50 / p99 | nginx, same size (same run) | agora / nginx "
                + "| target | notes |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in rows {
            let agora = row.agora
            let nginx = row.nginx
            var notes = "response \(row.responseBytes) bytes"
            if row.rowsPerRequest > 0 {
                notes += String(format: "; %.0f rows/s", agora.requestsPerSecond * Double(row.rowsPerRequest))
            }
            if agora.errors > 0 { notes += "; \(agora.errors) errors or non-2xx" }
            lines.append(
                String(
                    format: "| %@ | %d | %.0f | %.2f / %.2f ms | %.0f requests/s, p99 %.2f ms | %.1f%% | %@ | %@ |",
                    row.workload, row.connections, agora.requestsPerSecond, agora.p50Milliseconds,
                    agora.p99Milliseconds, nginx.requestsPerSecond, nginx.p99Milliseconds,
                    100 * agora.requestsPerSecond / max(nginx.requestsPerSecond, 1), row.target, notes))
        }
        return lines.joined(separator: "\n")
    }

    /// Replaces the `## HTTP API` section of BENCHMARKS.md in the current folder, or appends it.
    func writeReport(_ table: String, quick: Bool) {
        let marker = "## HTTP API"
        let command = "swift run -c release agora-bench api" + (quick ? " --quick" : "")
        let section = """
            \(sectionHeader(marker, command: command))
            wrk (2 threads, \(seconds) s a run) on loopback against the service started in the benchmark's process
            with `auth_strategy = noauth`, the SQLite store in a temporary folder, and libmicrohttpd's default of one
            worker thread per core. nginx (Debian's nginx-light, `worker_processes auto`, keep-alive without a
            request limit) serves a static file of the same size as Agora's response in the same run; for the POST
            and PUT rows that is a GET of a file of the size of their response, so the ratio there is only a
            reference. The 10k-row table belongs to a `push` data source; each PUT sends 10,000 rows and alternates
            between two sets with no row in common, so every request deletes and inserts all of them. Each POST adds
            a distinct rule to a policy of its own. wrk, nginx and Agora share the two cores.

            \(table)

            """
        DatalogBenchmark.replaceSection(marker, with: section, inFile: "BENCHMARKS.md")
    }
}
