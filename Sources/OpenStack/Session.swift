import Foundation

/// An authenticated connection to one cloud: Keystone token, service catalog and the HTTP
/// policy (timeouts, retries) that every service client shares.
///
/// The token is renewed before a call when less than `renewalMargin` seconds of it are left,
/// and once more when a service returns 401. The rejected call is then sent again exactly once.
/// A second 401, or a failed renewal, ends the call with an error instead of another round.
public actor Session {
    public nonisolated let config: CloudConfig
    public nonisolated let clock: OpenStackClock
    public var renewalMargin: Double
    public var retryPolicy: RetryPolicy

    private let transport: HTTPTransport
    private let logger: OpenStackLogger?
    private var cachedToken: AuthToken?
    private var pendingAuthentication: Task<AuthToken, Error>?

    /// How many `POST /v3/auth/tokens` requests this session has made.
    public private(set) var authenticationCount = 0

    public init(
        config: CloudConfig, transport: HTTPTransport = URLSessionTransport(),
        clock: OpenStackClock = SystemOpenStackClock(),
        retryPolicy: RetryPolicy = RetryPolicy(), renewalMargin: Double = 60, logger: OpenStackLogger? = nil
    ) throws {
        try config.validate()
        self.config = config
        self.transport = transport
        self.clock = clock
        self.retryPolicy = retryPolicy
        self.renewalMargin = renewalMargin
        self.logger = logger
    }

    public func setRenewalMargin(_ seconds: Double) {
        renewalMargin = seconds
    }

    public func setRetryPolicy(_ policy: RetryPolicy) {
        retryPolicy = policy
    }

    private var usesKeystone: Bool {
        config.authType == .password || config.authType == .applicationCredential
    }

    // MARK: - Tokens

    /// Returns the current token after renewing it when it is missing or within `renewalMargin`
    /// of expiry, or nil for auth types without Keystone.
    public func validToken() async throws -> AuthToken? {
        guard usesKeystone else { return nil }
        if let token = cachedToken, token.expiresAt.timeIntervalSince(clock.now()) > renewalMargin {
            return token
        }
        if let token = cachedToken {
            log(.info, "token expires at \(token.expiresAt); renewing before the next call")
        }
        return try await authenticate()
    }

    /// Forgets the cached token if it is still `value`, so the next call authenticates again.
    public func invalidateToken(_ value: String? = nil) {
        if value == nil || cachedToken?.value == value {
            cachedToken = nil
        }
    }

    /// Requests a new token with the configured credentials; concurrent callers share one request.
    private func authenticate() async throws -> AuthToken {
        if let pendingAuthentication {
            return try await pendingAuthentication.value
        }
        let task = Task { try await self.requestToken() }
        pendingAuthentication = task
        defer { pendingAuthentication = nil }

        let token = try await task.value
        cachedToken = token
        return token
    }

    private func requestToken() async throws -> AuthToken {
        let url = KeystoneAuth.tokensURL(authURL: config.authURL!)
        let body = try KeystoneAuth.requestBody(config)
        let request = HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: body.data, timeout: config.timeout)

        authenticationCount += 1
        log(
            .info,
            "authenticating as \(config.username ?? config.userID ?? config.applicationCredentialID ?? "-") at \(url)")
        let response = try await sendWithRetries(request, idempotent: true)
        guard response.status == 201 || response.status == 200 else {
            let failure = HTTPFailure(method: "POST", url: url, response: response)
            log(.error, "authentication at \(url) failed with HTTP \(response.status): \(failure.message)")
            throw OpenStackError.authenticationFailed(
                url: url.absoluteString, status: response.status, message: failure.message)
        }
        let token = try KeystoneAuth.token(from: response, url: url)
        log(.debug, "token issued, expires at \(token.expiresAt)")
        return token
    }

    // MARK: - Endpoints

    /// Returns the base URL of a service: an override from the configuration, else the catalog's
    /// entry for the configured interface and region.
    public func endpoint(serviceType: String) async throws -> URL {
        if let url = config.endpointOverrides[serviceType] ?? config.endpointOverrides["*"] {
            return url
        }
        guard let token = try await validToken() else {
            throw OpenStackError.invalidConfiguration(
                key: "\(serviceType)_endpoint_override", value: "<unset>",
                fix: "auth type \(config.authType.rawValue) has no catalog; set an endpoint for \(serviceType)")
        }
        return try token.catalog.url(serviceType: serviceType, interface: config.interface, region: config.regionName)
    }

    // MARK: - Requests

    /// Sends one request with the session's token and returns the 2xx response.
    ///
    /// `idempotent` requests (GET, PUT, DELETE by default) are retried on connection failures
    /// and 5xx. Other requests are retried only when no connection could be opened, because a
    /// POST that reached the server may have taken effect. Other statuses throw `OpenStackError.http`.
    public func send(
        _ method: String, url: URL, headers: [String: String] = [:], body: JSON? = nil, idempotent: Bool? = nil
    ) async throws -> HTTPResponse {
        var request = HTTPRequest(method: method, url: url, headers: headers, timeout: config.timeout)
        request.headers["Accept"] = request.headers["Accept"] ?? "application/json"
        if let body {
            request.body = body.data
            request.headers["Content-Type"] = "application/json"
        }
        let retryable = idempotent ?? ["GET", "HEAD", "PUT", "DELETE"].contains(method)

        var renewedAfterRejection = false
        while true {
            let token = try await validToken()
            if let token {
                request.headers["X-Auth-Token"] = token.value
            } else if let staticToken = config.token {
                request.headers["X-Auth-Token"] = staticToken
            }

            let response = try await sendWithRetries(request, idempotent: retryable)
            if response.status == 401, let token, !renewedAfterRejection {
                renewedAfterRejection = true
                log(
                    .warning, "\(method) \(url) was rejected with HTTP 401; renewing the token and sending it once more"
                )
                invalidateToken(token.value)
                continue
            }
            guard (200...299).contains(response.status) else {
                throw OpenStackError.http(HTTPFailure(method: method, url: url, response: response))
            }
            return response
        }
    }

    private func sendWithRetries(_ request: HTTPRequest, idempotent: Bool) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let canRetry = attempt < retryPolicy.maxAttempts
            do {
                let response = try await transport.send(request)
                if RetryPolicy.isRetryable(status: response.status) && idempotent && canRetry {
                    try await pause(after: attempt, request, reason: "HTTP \(response.status)")
                    continue
                }
                return response
            } catch let failure as TransportFailure {
                if canRetry && (idempotent || failure.neverConnected) {
                    try await pause(after: attempt, request, reason: failure.reason)
                    continue
                }
                log(
                    .error,
                    "\(request.method) \(request.url) got no response after \(attempt) attempt(s): \(failure.reason)")
                throw OpenStackError.connection(
                    method: request.method, url: request.url.absoluteString, attempts: attempt, reason: failure.reason)
            }
        }
    }

    private func pause(after attempt: Int, _ request: HTTPRequest, reason: String) async throws {
        let delay = retryPolicy.delay(afterAttempt: attempt)
        log(.warning, "\(request.method) \(request.url) attempt \(attempt) failed (\(reason)); retrying in \(delay) s")
        try await clock.sleep(seconds: delay)
    }

    private func log(_ level: LogLevel, _ message: String) {
        logger?(level, message)
    }
}
