import Foundation

/// `agora-bench datalog`: each workload in a child process, the comparison tools on the same
/// inputs in the same run, then a table on stdout and in BENCHMARKS.md.
enum DatalogBenchmark {
    struct Row {
        var workload: String
        var agora: String
        var gringo: String
        var sqlite: String
        var target: String
        var notes: String
    }

    static func runWorkload(_ arguments: [String]) -> Int32 {
        guard let name = arguments.first else { return 2 }
        let quick = arguments.contains("--quick")
        do {
            let result: [String: Double]
            switch name {
            case "chain": result = try Workloads.closure(shape: "chain", n: quick ? 500 : 2000)
            case "cycle": result = try Workloads.closure(shape: "cycle", n: quick ? 500 : 2000)
            case "total": result = try Workloads.closure(shape: "total", n: quick ? 200 : 1000)
            case "chain-quiet":
                result = try Workloads.closure(shape: "chain", n: quick ? 500 : 2000, report: .actionTables)
            case "cycle-quiet":
                result = try Workloads.closure(shape: "cycle", n: quick ? 500 : 2000, report: .actionTables)
            case "incremental": result = try Workloads.incremental(n: quick ? 500 : 2000)
            case "vm-exact":
                result = try VMJoinWorkload.run(
                    vms: quick ? 10_000 : 100_000, blocklist: quick ? 100_000 : 1_000_000,
                    events: quick ? 100_000 : 1_000_000, networks: false)
            case "vm-networks":
                result = try VMJoinWorkload.run(
                    vms: quick ? 10_000 : 100_000, blocklist: quick ? 100_000 : 1_000_000,
                    events: quick ? 100_000 : 1_000_000, networks: true)
            default: return 2
            }
            let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            FileHandle.standardOutput.write(data)
            return 0
        } catch {
            FileHandle.standardError.write(Data("workload \(name) failed: \(error)\n".utf8))
            return 1
        }
    }

    static func run(_ arguments: [String]) -> Int32 {
        let quick = arguments.contains("--quick")
        let write = !arguments.contains("--no-write")
        var rows: [Row] = []
        let sizes = quick ? (chain: 500, cycle: 500, total: 200) : (chain: 2000, cycle: 2000, total: 1000)

        for (name, label, n, target) in [
            ("chain", "transitive closure, chain of \(sizes.chain) nodes", sizes.chain, "under 1 s"),
            ("cycle", "transitive closure, cycle of \(sizes.cycle) nodes", sizes.cycle, "under 2 s"),
            ("total", "transitive closure, total order of \(sizes.total) nodes", sizes.total, "under 10 s"),
        ] {
            progress("\(label): agora")
            let result = child(name, quick: quick)
            let quiet = name == "total" ? [:] : child(name + "-quiet", quick: quick)
            progress("\(label): gringo")
            let gringo = Comparison.gringo(shape: name, n: n)
            progress("\(label): sqlite")
            let sqlite = Comparison.sqlite(shape: name, n: n)
            let tuples = Int(result["tuples"] ?? 0)
            rows.append(
                Row(
                    workload: label + " (\(tuples) tuples)", agora: format(result["seconds"]), gringo: format(gringo),
                    sqlite: format(sqlite), target: target,
                    notes: "peak \(megabytes(result["peak_bytes"])), \(Int(result["bytes_per_tuple"] ?? 0)) B/tuple"
                        + (quiet.isEmpty
                            ? "" : "; \(format(quiet["seconds"])) s when only action tables' deltas are copied out")))
        }

        progress("incremental")
        let incremental = child("incremental", quick: quick)
        rows.append(
            Row(
                workload: "one edge appended to the chain-\(sizes.chain) closure, then deleted",
                agora:
                    "insert \(milliseconds(incremental["append_insert_seconds"])) (\(Int(incremental["append_insert_tuples"] ?? 0)) new), delete \(milliseconds(incremental["append_delete_seconds"])) (\(Int(incremental["append_delete_tuples"] ?? 0)) gone)",
                gringo: "n/a", sqlite: "n/a", target: "insert under 10 ms per 2,000 new tuples; delete under 100 ms",
                notes:
                    "shortcut edge (0, \(sizes.chain / 2)): insert \(milliseconds(incremental["shortcut_insert_seconds"])), delete \(milliseconds(incremental["shortcut_delete_seconds"])) (nothing derived or lost)"
            ))

        for (name, label) in [
            ("vm-exact", "compromised-VM join, exact blocklist"),
            ("vm-networks", "compromised-VM join, CIDR blocklist with ip_in_network"),
        ] {
            progress(label)
            let result = child(name, quick: quick)
            let rate = Int(result["events_per_second"] ?? 0)
            rows.append(
                Row(
                    workload: label + (quick ? " (10k VMs, 100k entries)" : " (100k VMs, 1M entries)"),
                    agora: "\(rate) events/s, p50 \(format(result["p50_us"])) µs, p99 \(format(result["p99_us"])) µs",
                    gringo: "n/a", sqlite: "n/a", target: "1,000,000 events/s, p99 under 20 µs",
                    notes:
                        "blocklist load \(format(result["blocklist_load_seconds"])) s, peak \(megabytes(result["peak_bytes"])), \(Int(result["errors"] ?? 0)) error rows"
                ))
        }

        let table = render(rows)
        print(table)
        if write { writeReport(table, quick: quick) }
        return 0
    }

    static func child(_ name: String, quick: Bool) -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["workload", name] + (quick ? ["--quick"] : [])
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            progress("cannot start workload \(name): \(error)")
            return [:]
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Double]) ?? [:]
    }

    static func progress(_ message: String) { FileHandle.standardError.write(Data("agora-bench: \(message)\n".utf8)) }

    static func format(_ value: Double?) -> String {
        guard let value else { return "failed" }
        return value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }

    static func milliseconds(_ seconds: Double?) -> String {
        guard let seconds else { return "failed" }
        return String(format: "%.1f ms", seconds * 1000)
    }

    static func megabytes(_ bytes: Double?) -> String { String(format: "%.0f MB", (bytes ?? 0) / 1_048_576) }

    static func render(_ rows: [Row]) -> String {
        var lines = [
            "| workload | agora (s) | gringo (s) | SQLite CTE (s) | target | notes |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in rows {
            lines.append(
                "| \(row.workload) | \(row.agora) | \(row.gringo) | \(row.sqlite) | \(row.target) | \(row.notes) |")
        }
        return lines.joined(separator: "\n")
    }

    static func machine() -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return
            "\(ProcessInfo.processInfo.activeProcessorCount) cores (\(model)), \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB"
    }

    static func writeReport(_ table: String, quick: Bool) {
        let path = "BENCHMARKS.md"
        let marker = "## Datalog engine"
        let date = ISO8601DateFormatter().string(from: Date())
        let section = """
            \(marker)

            Command: `swift run -c release agora-bench datalog\(quick ? " --quick" : "")`, run \(date) on \(machine()).
            Times are wall-clock seconds for the whole evaluation, each tool on the same edges in the same run: Agora
            loads the edges in one update of a `materialized` policy, gringo is clingo's grounder through its Python
            module, SQLite runs `WITH RECURSIVE ... UNION` with an index on the edge table.

            \(table)

            """
        replaceSection(marker, with: section, inFile: path)
    }

    /// Replaces the section that starts with `marker` (up to the next `## ` heading) in the
    /// Markdown file at `path`, or appends it when the file has none.
    static func replaceSection(_ marker: String, with section: String, inFile path: String) {
        var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n"
        if let range = text.range(of: marker) {
            let rest = text[range.upperBound...]
            let end = rest.range(of: "\n## ")?.lowerBound ?? text.endIndex
            text.replaceSubrange(range.lowerBound..<end, with: section)
        } else {
            text += (text.hasSuffix("\n") ? "\n" : "\n\n") + section
        }
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
