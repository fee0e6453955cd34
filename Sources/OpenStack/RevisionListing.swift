import Foundation

/// One object's `id` and `revision_number`, as a listing with `fields=id&fields=revision_number` returns it.
public struct RevisionEntry: Decodable, Sendable, Equatable {
    public var id: String
    /// Nil when the deployment lacks the standard-attr-revisions extension.
    public var revision: Int64?

    public init(id: String, revision: Int64?) {
        self.id = id
        self.revision = revision
    }

    private enum CodingKeys: String, CodingKey {
        case id
        case revision = "revision_number"
    }
}

/// One page of an id/revision listing, decoded straight into entries.
///
/// A poll reads this listing for every object of the cloud, so it skips the general `JSON`
/// tree: JSONDecoder into these structs took about a sixth of the time of `JSON.parse` for
/// 20,000 ports (30 ms against 196 ms, one release-build run with Swift 6.3 on a shared
/// 2-core Linux machine).
public struct RevisionPage: Decodable, Sendable {
    public var entries: [RevisionEntry] = []
    /// The `next` link of `<collection>_links`, when there is one.
    public var nextLink: String?

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Link: Decodable {
        var rel: String?
        var href: String?
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys {
            if key.stringValue.hasSuffix("_links") {
                let links = try container.decode([Link].self, forKey: key)
                nextLink = links.first { $0.rel == "next" }?.href
            } else if let entries = try? container.decode([RevisionEntry].self, forKey: key) {
                self.entries = entries
            }
        }
    }

    public static func decode(_ data: Data, source: String) throws -> RevisionPage {
        do {
            return try JSONDecoder().decode(RevisionPage.self, from: data)
        } catch {
            throw OpenStackError.invalidJSON(source: source, reason: "\(error)")
        }
    }
}

extension ServiceClient {
    /// Lists `id` and `revision_number` of every object of a collection, every page.
    public func listRevisions(_ path: String, query: [(String, String)] = [], pageSize: Int? = nil) async throws
        -> [RevisionEntry]
    {
        var entries: [RevisionEntry] = []
        var pageQuery = query + [("fields", "id"), ("fields", "revision_number")]
        if let pageSize { pageQuery.append(("limit", String(pageSize))) }
        var seenMarkers: Set<String> = []

        for _ in 0..<maxPages {
            let target = try await url(path, query: pageQuery)
            let response = try await session.send("GET", url: target, headers: headers)
            let page = try RevisionPage.decode(response.body, source: "GET \(path)")
            entries.append(contentsOf: page.entries)

            guard !page.entries.isEmpty else { return entries }
            var next: [(String, String)]?
            if let link = page.nextLink, let components = URLComponents(string: link) {
                next = (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }
            } else if let pageSize, page.entries.count >= pageSize, let last = page.entries.last {
                next = pageQuery.filter { $0.0 != "marker" } + [("marker", last.id)]
            }
            guard let next else { return entries }
            let marker = next.first { $0.0 == "marker" }?.1 ?? ""
            guard seenMarkers.insert(marker).inserted else {
                throw OpenStackError.paginationLoop(url: path, pages: seenMarkers.count)
            }
            pageQuery = next
        }
        throw OpenStackError.paginationLoop(url: path, pages: maxPages)
    }
}
