import Foundation

/// REST calls to one service of the catalog (`compute`, `network`), relative to its endpoint.
public struct ServiceClient: Sendable {
    public let session: Session
    public let serviceType: String
    /// The version prefix the endpoint must end with, such as `/v2.0` for Neutron, whose catalog
    /// URL usually lacks it. It is empty when the catalog URL already names the version.
    public let versionPath: String
    /// Headers sent with every call, such as Nova's microversion.
    public var headers: [String: String]
    /// The maximum number of pages of one listing; more are treated as a loop.
    public var maxPages = 100_000

    public init(session: Session, serviceType: String, versionPath: String = "", headers: [String: String] = [:]) {
        self.session = session
        self.serviceType = serviceType
        self.versionPath = versionPath
        self.headers = headers
    }

    /// Returns the absolute URL of `path` (which starts with `/`) with `query` encoded.
    public func url(_ path: String, query: [(String, String)] = []) async throws -> URL {
        var base = try await session.endpoint(serviceType: serviceType).absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        if !versionPath.isEmpty && !base.hasSuffix(versionPath) { base += versionPath }
        var text = base + path
        if !query.isEmpty {
            text += "?" + query.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
        }
        guard let url = URL(string: text) else {
            throw OpenStackError.invalidConfiguration(key: "\(serviceType) URL", value: text, fix: "check the endpoint")
        }
        return url
    }

    public func get(_ path: String, query: [(String, String)] = [], headers extra: [String: String] = [:])
        async throws -> JSON
    {
        let response = try await session.send("GET", url: try await url(path, query: query), headers: merged(extra))
        return try JSON.parse(response.body, source: "GET \(path)")
    }

    /// Sends a request with a JSON body; returns the parsed body, or `.null` when there is none.
    @discardableResult
    public func send(
        _ method: String, _ path: String, body: JSON? = nil, headers extra: [String: String] = [:],
        idempotent: Bool? = nil
    ) async throws -> JSON {
        let target = try await url(path)
        let response = try await session.send(
            method, url: target, headers: merged(extra), body: body, idempotent: idempotent)
        if response.body.isEmpty { return .null }
        return try JSON.parse(response.body, source: "\(method) \(path)")
    }

    /// Lists every item of a paginated collection. It follows `<key>_links` `next` links, or the
    /// limit/marker convention when the service sends a full page without a link.
    public func list(_ path: String, key: String, query: [(String, String)] = [], pageSize: Int? = nil)
        async throws -> [JSON]
    {
        var items: [JSON] = []
        var pageQuery = query
        if let pageSize { pageQuery.append(("limit", String(pageSize))) }
        var seenMarkers: Set<String> = []

        for _ in 0..<maxPages {
            let page = try await get(path, query: pageQuery)
            let pageItems = page[key]?.arrayValue ?? []
            items.append(contentsOf: pageItems)

            guard !pageItems.isEmpty, let next = nextQuery(page: page, key: key, current: pageQuery, pageSize: pageSize)
            else { return items }
            let marker = next.first { $0.0 == "marker" }?.1 ?? next.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
            guard seenMarkers.insert(marker).inserted else {
                throw OpenStackError.paginationLoop(url: path, pages: seenMarkers.count)
            }
            pageQuery = next
        }
        throw OpenStackError.paginationLoop(url: path, pages: maxPages)
    }

    /// Returns the query of the next page. A `next` link's query is applied to this client's own URL,
    /// because services behind a proxy often put their internal host name into links.
    private func nextQuery(page: JSON, key: String, current: [(String, String)], pageSize: Int?) -> [(String, String)]?
    {
        for link in page["\(key)_links"]?.arrayValue ?? [] where link["rel"]?.stringValue == "next" {
            guard let href = link["href"]?.stringValue, let components = URLComponents(string: href) else { continue }
            return (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        }
        if let pageSize, let items = page[key]?.arrayValue, items.count >= pageSize,
            let lastID = items.last?["id"].flatMap(\.stringValue)
        {
            return current.filter { $0.0 != "marker" } + [("marker", lastID)]
        }
        return nil
    }

    private func merged(_ extra: [String: String]) -> [String: String] {
        headers.merging(extra) { _, new in new }
    }
}

private let unreserved = CharacterSet(
    charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:")

/// Percent-encodes a query name or value; `=`, `&` and `+` inside values are encoded too.
func percentEncode(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
}
