import Foundation

/// Counters and a latency histogram in Prometheus's text format, read by `GET /metrics`.
///
/// Counters are kept by name plus labels; gauges are computed when scraped by the closures
/// the service registers.
public final class Metrics: @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [String: [String: Double]] = [:]
    private var help: [String: (type: String, text: String)] = [:]
    private var gauges: [(name: String, text: String, read: @Sendable () -> [(labels: String, value: Double)])] = []
    /// Upper bounds of the API latency buckets, in seconds.
    public static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5]
    private var latencyCounts: [String: [Int]] = [:]
    private var latencySums: [String: Double] = [:]

    public init() {}

    /// Adds to a counter; `labels` is Prometheus label text such as `outcome="executed"`.
    public func increment(_ name: String, labels: String = "", by amount: Double = 1, help text: String = "") {
        lock.lock()
        counters[name, default: [:]][labels, default: 0] += amount
        if help[name] == nil { help[name] = ("counter", text) }
        lock.unlock()
    }

    /// Registers a gauge read at scrape time.
    public func gauge(
        _ name: String, help text: String, read: @escaping @Sendable () -> [(labels: String, value: Double)]
    ) {
        lock.lock()
        gauges.append((name, text, read))
        lock.unlock()
    }

    /// Records one API request's duration under its route (`GET /v1/policies/{policy}`).
    public func observeRequest(route: String, seconds: Double) {
        lock.lock()
        var counts = latencyCounts[route] ?? Array(repeating: 0, count: Self.latencyBuckets.count + 1)
        let index = Self.latencyBuckets.firstIndex { seconds <= $0 } ?? Self.latencyBuckets.count
        counts[index] += 1
        latencyCounts[route] = counts
        latencySums[route, default: 0] += seconds
        lock.unlock()
    }

    /// The exposition text.
    public func render() -> String {
        lock.lock()
        let counters = self.counters
        let help = self.help
        let gauges = self.gauges
        let latencyCounts = self.latencyCounts
        let latencySums = self.latencySums
        lock.unlock()

        var lines: [String] = []
        for name in counters.keys.sorted() {
            let info = help[name] ?? ("counter", "")
            lines.append("# HELP \(name) \(info.text)")
            lines.append("# TYPE \(name) \(info.type)")
            for (labels, value) in counters[name]!.sorted(by: { $0.key < $1.key }) {
                lines.append("\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.number(value))")
            }
        }
        for gauge in gauges {
            lines.append("# HELP \(gauge.name) \(gauge.text)")
            lines.append("# TYPE \(gauge.name) gauge")
            for sample in gauge.read() {
                lines.append(
                    "\(gauge.name)\(sample.labels.isEmpty ? "" : "{\(sample.labels)}") \(Self.number(sample.value))")
            }
        }
        let histogram = "agora_api_request_duration_seconds"
        lines.append("# HELP \(histogram) Time to answer an API request, by route.")
        lines.append("# TYPE \(histogram) histogram")
        for route in latencyCounts.keys.sorted() {
            let label = "route=\"\(Self.escape(route))\""
            var cumulative = 0
            for (index, bound) in Self.latencyBuckets.enumerated() {
                cumulative += latencyCounts[route]![index]
                lines.append("\(histogram)_bucket{\(label),le=\"\(bound)\"} \(cumulative)")
            }
            cumulative += latencyCounts[route]!.last!
            lines.append("\(histogram)_bucket{\(label),le=\"+Inf\"} \(cumulative)")
            lines.append("\(histogram)_sum{\(label)} \(latencySums[route] ?? 0)")
            lines.append("\(histogram)_count{\(label)} \(cumulative)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Escapes a label value.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
