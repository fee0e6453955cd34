import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A quick check whether a server on 127.0.0.1 answers, for enabling suites that need it.
public enum HTTPProbe {
    /// Returns the status of a GET of `url`, or nil when no response arrives within two seconds.
    public static func status(_ url: URL) -> Int? {
        let semaphore = DispatchSemaphore(value: 0)
        let box = StatusBox()
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        URLSession.shared.dataTask(with: request) { _, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode
            semaphore.signal()
        }.resume()
        semaphore.wait()
        return box.status
    }

    private final class StatusBox: @unchecked Sendable {
        var status: Int?
    }
}
