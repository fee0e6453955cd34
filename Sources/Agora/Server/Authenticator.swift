import Foundation
import OpenStack
import Store

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Turns a request's token into a `Principal`, or refuses it.
public protocol Authenticator: Sendable {
    /// The caller for `token`; nil means 401.
    func principal(token: String?) -> Principal?
}

/// No checks: every request acts as admin. Allowed only on a loopback address.
public struct NoAuthenticator: Authenticator {
    public init() {}
    public func principal(token: String?) -> Principal? { .anonymousAdmin }
}

/// Agora's own API keys, stored hashed, each with a role and optionally a project.
public struct TokenAuthenticator: Authenticator {
    public let tokens: TokenRecords

    public init(database: any Database) { tokens = TokenRecords(database: database) }

    public func principal(token: String?) -> Principal? {
        guard let token, !token.isEmpty, let record = try? tokens.lookup(plaintext: token) else { return nil }
        // One write a minute per key at most keeps `last_used_at` useful without a write on
        // every request. A failed write loses only that timestamp, so it does not fail the request.
        if record.lastUsedAt.map({ Date().timeIntervalSince($0) >= 60 }) ?? true {
            try? tokens.markUsed(id: record.id)
        }
        return Principal(user: record.name, projectID: record.projectID, roles: [record.role.rawValue])
    }
}

/// Keystone tokens, checked with `GET /v3/auth/tokens` and kept in a cache for a minute (never
/// past the token's own expiry). Keystone's `admin` role maps to admin, `member` or `operator`
/// to operator, `reader` to viewer.
public final class KeystoneAuthenticator: Authenticator, @unchecked Sendable {
    private let keystoneURL: URL
    private let serviceToken: @Sendable () async throws -> String
    private let lock = NSLock()
    private var cache: [String: (principal: Principal, until: Date)] = [:]
    private let session = URLSession(configuration: .ephemeral)

    /// - Parameters:
    ///   - keystoneURL: the identity endpoint, ending in `/v3`.
    ///   - serviceToken: a token of Agora's own service user, allowed to validate others' tokens.
    public init(keystoneURL: URL, serviceToken: @escaping @Sendable () async throws -> String) {
        self.keystoneURL = keystoneURL
        self.serviceToken = serviceToken
    }

    public func principal(token: String?) -> Principal? {
        guard let token, !token.isEmpty else { return nil }
        lock.lock()
        if let cached = cache[token], cached.until > Date() {
            lock.unlock()
            return cached.principal
        }
        lock.unlock()
        let checked = try? runBlocking { [self] in try await validate(token) }
        guard let checked else { return nil }
        lock.lock()
        cache[token] = (checked.principal, min(checked.expires, Date().addingTimeInterval(60)))
        if cache.count > 10_000 { cache = cache.filter { $0.value.until > Date() } }
        lock.unlock()
        return checked.principal
    }

    private func validate(_ token: String) async throws -> (principal: Principal, expires: Date)? {
        var request = URLRequest(url: keystoneURL.appendingPathComponent("auth/tokens"))
        request.setValue(try await serviceToken(), forHTTPHeaderField: "X-Auth-Token")
        request.setValue(token, forHTTPHeaderField: "X-Subject-Token")
        request.timeoutInterval = 30
        let (data, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { return nil }
        let body = try JSON.parse(data, source: "keystone token")["token"] ?? .null
        let user = body["user"]?["name"]?.stringValue ?? body["user"]?["id"]?.stringValue ?? "unknown"
        let project = body["project"]?["id"]?.stringValue
        let names = Set((body["roles"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        var roles: Set<String> = []
        if names.contains("admin") { roles.insert("admin") }
        if names.contains("member") || names.contains("operator") { roles.insert("operator") }
        if names.contains("reader") || names.contains("viewer") || roles.isEmpty { roles.insert("viewer") }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let expiresText = body["expires_at"]?.stringValue ?? ""
        let expires = formatter.date(from: expiresText) ?? ISO8601DateFormatter().date(from: expiresText) ?? Date()
        return (Principal(user: user, projectID: project, roles: roles), expires)
    }
}
