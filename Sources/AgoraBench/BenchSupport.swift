import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The value below which `fraction` of `values` fall (nearest rank); 0 for no values.
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// Runs `body` on a thread of its own and returns its result, so that a loop that blocks on
/// locks and sleeps does not hold one of the few threads Swift's concurrency runtime has.
func onThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.name = name
        thread.start()
    }
}

/// One HTTP request to the service under test; returns the status and the body.
func httpCall(_ method: String, _ url: String, body: String? = nil) async throws -> (status: Int, body: Data) {
    guard let target = URL(string: url) else { throw BenchmarkError("invalid URL \(url)") }
    var request = URLRequest(url: target)
    request.httpMethod = method
    if let body {
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
}

/// The JSON object of a response body, or an error naming the request.
func jsonObject(_ data: Data, of request: String) throws -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw BenchmarkError("\(request) returned no JSON object: \(String(decoding: data.prefix(200), as: UTF8.self))")
    }
    return object
}

/// Waits up to `timeout` seconds, checking every 50 ms, for `condition` to hold.
func waitUntil(_ what: String, timeout: Double, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { throw BenchmarkError("timed out after \(Int(timeout)) s waiting for \(what)") }
        Thread.sleep(forTimeInterval: 0.05)
    }
}

/// Prints a progress line of `suite` to standard error.
func progress(suite: String, _ message: String) {
    FileHandle.standardError.write(Data("agora-bench \(suite): \(message)\n".utf8))
}

/// Returns the text of a Markdown section's header: the command, the date and the machine.
func sectionHeader(_ marker: String, command: String) -> String {
    let date = ISO8601DateFormatter().string(from: Date())
    return """
        \(marker)

        Command: `\(command)`, run \(date) on \(DatalogBenchmark.machine()),
        a release build. Other sessions share this machine's two cores, so repeated runs vary.
        """
}
