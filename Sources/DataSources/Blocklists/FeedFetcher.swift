import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The location of a feed: a file path or an http(s) URL.
public enum FeedSource: Sendable, CustomStringConvertible {
    case file(String)
    case url(URL)

    public var description: String {
        switch self {
        case .file(let path): return path
        case .url(let url): return url.absoluteString
        }
    }
}

/// Validators from the last fetch, sent with the next one so the server answers only if changed.
public struct FetchValidators: Hashable, Sendable {
    public var etag: String?
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// A feed download or read that failed; the previous list stays in force.
public enum FeedFetchError: Error, Equatable, CustomStringConvertible {
    case unreadable(source: String, reason: String)
    case httpStatus(source: String, status: Int)
    case tooLarge(source: String, maximumBytes: Int)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason): return "fetching feed \(source) failed: \(reason)"
        case .httpStatus(let source, let status): return "fetching feed \(source) failed: HTTP status \(status)"
        case .tooLarge(let source, let maximum):
            return "feed \(source) is larger than \(maximum) bytes; raise the maximum feed size if it is genuine"
        }
    }
}

/// Reads feeds from files and http(s) URLs, asking servers for changes only (`If-None-Match`,
/// `If-Modified-Since`). A file counts as changed when its modification time or size changed.
public struct FeedFetcher: Sendable {
    public enum Result: Sendable {
        case unchanged
        case content([UInt8], FetchValidators)
    }

    public var maximumBytes: Int
    public var timeoutSeconds: Double

    public init(maximumBytes: Int = 256 << 20, timeoutSeconds: Double = 60) {
        self.maximumBytes = maximumBytes
        self.timeoutSeconds = timeoutSeconds
    }

    public func fetch(_ source: FeedSource, validators: FetchValidators) async throws(FeedFetchError) -> Result {
        switch source {
        case .file(let path): return try fetchFile(path, validators: validators)
        case .url(let url): return try await fetchURL(url, validators: validators)
        }
    }

    private func fetchFile(_ path: String, validators: FetchValidators) throws(FeedFetchError) -> Result {
        let stamp: String
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            stamp = "\(modified)-\(attributes[.size] as? Int ?? 0)"
        } catch {
            throw .unreadable(source: path, reason: error.localizedDescription)
        }
        if validators.lastModified == stamp { return .unchanged }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(source: path, reason: "cannot read the file; check that it exists and is readable")
        }
        guard data.count <= maximumBytes else { throw .tooLarge(source: path, maximumBytes: maximumBytes) }
        return .content(Array(data), FetchValidators(lastModified: stamp))
    }

    private func fetchURL(_ url: URL, validators: FetchValidators) async throws(FeedFetchError) -> Result {
        let source = url.absoluteString
        guard url.scheme == "http" || url.scheme == "https" else {
            throw .unreadable(source: source, reason: "only http and https URLs are supported")
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeoutSeconds)
        if let etag = validators.etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        if let date = validators.lastModified { request.setValue(date, forHTTPHeaderField: "If-Modified-Since") }

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw .unreadable(source: source, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw .unreadable(source: source, reason: "the response is not HTTP")
        }
        if http.statusCode == 304 { return .unchanged }
        guard http.statusCode == 200 else { throw .httpStatus(source: source, status: http.statusCode) }
        guard data.count <= maximumBytes else { throw .tooLarge(source: source, maximumBytes: maximumBytes) }
        let next = FetchValidators(
            etag: http.value(forHTTPHeaderField: "ETag"), lastModified: http.value(forHTTPHeaderField: "Last-Modified"))
        return .content(Array(data), next)
    }
}
