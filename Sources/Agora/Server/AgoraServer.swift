import Foundation
import HTTP
import OpenStack

/// The HTTP face of the service: the API, the event stream, health, metrics and the dashboard,
/// on libmicrohttpd, with every request authenticated before it reaches the API.
public final class AgoraServer: @unchecked Sendable {
    public let service: AgoraService
    public let api: AgoraAPI
    public let metrics: Metrics
    private let authenticator: any Authenticator
    private var server: HTTPServer?

    public init(service: AgoraService, authenticator: any Authenticator, metrics: Metrics) {
        self.service = service
        self.api = AgoraAPI(service: service)
        self.authenticator = authenticator
        self.metrics = metrics
    }

    /// The port the server listens on, once started.
    public var port: UInt16? { server?.port }

    public func start() throws {
        let configuration = service.configuration
        var http = HTTPServerConfiguration()
        http.host = configuration.bindHost
        http.port = UInt16(configuration.bindPort)
        http.maxBodyBytes = configuration.integer("DEFAULT", "max_body_bytes")
        http.connectionTimeout = .seconds(configuration.integer("DEFAULT", "request_timeout"))
        let certificate = configuration.text("DEFAULT", "tls_cert_file")
        let key = configuration.text("DEFAULT", "tls_key_file")
        if !certificate.isEmpty || !key.isEmpty {
            http.tls = HTTPServerConfiguration.TLSFiles(certificatePath: certificate, privateKeyPath: key)
        }

        let router = HTTPRouter()
        router.add(.get, "/healthz") { [unowned self] _ in health() }
        router.add(.get, "/metrics") { [unowned self] _ in
            var response = HTTP.HTTPResponse.text(self.metrics.render())
            response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            return response
        }
        let openAPI = Array(OpenAPIDocument.text.utf8)
        router.add(.get, "/v1/openapi.json") { _ in .json(bytes: openAPI) }
        // The router matches `/dashboard/` with the `/dashboard` route because it drops empty segments,
        // so only the raw path tells the page's URL (served) from the bare name (redirected).
        let dashboard: HTTPRouter.Handler = { request in
            guard request.rawPath.hasPrefix("/dashboard/") else { return Self.redirect("/dashboard/") }
            guard let root = Bundle.module.url(forResource: "dashboard", withExtension: nil) else {
                return .error(status: 404, message: "the dashboard is missing from this build")
            }
            let path = request.pathParameters["path"] ?? ""
            return .staticFile(root: root.path, relativePath: path.isEmpty ? "index.html" : path)
        }
        router.add(.get, "/dashboard", dashboard)
        router.add(.get, "/dashboard/{path...}", dashboard)
        router.add(.get, "/v1/events") { [unowned self] request in try events(request) }
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            let handler: HTTPRouter.Handler = { [unowned self] request in try apiRequest(request) }
            router.add(HTTPMethod(rawValue: method), "/", handler)
            router.add(HTTPMethod(rawValue: method), "/{path...}", handler)
        }

        let observer = self.metrics
        let logger = service.logger
        let server = HTTPServer(
            configuration: http, router: router,
            log: { level, message in logger.log(level == .error ? .error : .info, message) },
            accessLog: { record in
                logger.debug(
                    "request",
                    metadata: [
                        "method": record.method, "path": record.path, "status": String(record.status),
                        "client": record.clientAddress ?? "",
                    ])
            },
            latencyObserver: { record in
                let duration = record.duration.components
                let seconds = Double(duration.seconds) + Double(duration.attoseconds) / 1e18
                observer.observeRequest(route: record.method + " " + (record.route ?? "unmatched"), seconds: seconds)
            })
        try server.start()
        self.server = server
    }

    public func stop() { server?.stop() }

    static func redirect(_ location: String) -> HTTP.HTTPResponse {
        var response = HTTP.HTTPResponse(status: 302)
        response.headers.set("Location", location)
        return response
    }

    // MARK: Requests

    private func principal(_ request: HTTP.HTTPRequest) -> Principal? {
        let token = request.headers["X-Auth-Token"] ?? request.queryValue("token")
        return authenticator.principal(token: token)
    }

    private static let unauthorized = APIFailure(
        status: 401, code: 401,
        message: "Unauthorized::send a valid token in X-Auth-Token: a Keystone token, or an Agora API key "
            + "(the first admin key is in the file admin-token of the server's data directory)")

    private func apiRequest(_ request: HTTP.HTTPRequest) throws -> HTTP.HTTPResponse {
        // A browser asking for the root gets the dashboard; API clients get Congress's version list.
        if request.pathSegments.isEmpty, request.method == .get,
            request.headers["Accept"]?.contains("text/html") == true
        {
            return Self.redirect("/dashboard/")
        }
        guard let principal = principal(request) else { return Self.http(Self.unauthorized.response) }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.lowercased()] = field.value }
        let apiRequest = APIRequest(
            method: request.method.rawValue, segments: request.pathSegments,
            query: request.queryItems.map { ($0.name, $0.value ?? "") }, headers: headers, body: request.body,
            principal: principal)
        return Self.http(api.handle(apiRequest))
    }

    static func http(_ response: APIResponse) -> HTTP.HTTPResponse {
        var result = HTTP.HTTPResponse(status: response.status, body: response.body)
        for header in response.headers { result.headers.set(header.name, header.value) }
        return result
    }

    private func health() -> HTTP.HTTPResponse {
        var storeStatus = "ok"
        do {
            _ = try service.database.read { try $0.first("SELECT 1 AS one") }
        } catch {
            storeStatus = "error: \(error)"
        }
        var sources: [String: JSON] = [:]
        for source in service.sources {
            let status = source.status()
            sources[source.config.name] = .string(
                status.lastError == nil ? (status.initialized ? "ok" : "starting") : "error")
        }
        let healthy = storeStatus == "ok"
        let body: JSON = [
            "status": .string(healthy ? "ok" : "degraded"), "store": .string(storeStatus),
            "datasources": .object(sources),
        ]
        return .json(bytes: Array((body.text + "\n").utf8), status: healthy ? 200 : 503)
    }

    /// Returns whether `principal` may see `event`. An action's event without a project takes
    /// the project of the incident in its payload. Other events without a project reach only
    /// admins, except data-source events, because data sources belong to no project.
    static func eventVisible(_ event: AgoraEvent, to principal: Principal, service: AgoraService) -> Bool {
        if principal.isAdmin { return true }
        if let project = event.projectID { return principal.sees(project: project) }
        if let incidentID = event.payload["incident_id"]?.stringValue {
            guard let incident = try? service.incidents.store.incident(incidentID) else { return false }
            return principal.sees(project: incident.projectID)
        }
        return event.kind.hasPrefix("datasource.")
    }

    /// `GET /v1/events`: every event the caller may see, as server-sent events, starting after
    /// `Last-Event-ID` when the client sends one.
    private func events(_ request: HTTP.HTTPRequest) throws -> HTTP.HTTPResponse {
        guard let principal = principal(request) else { return Self.http(Self.unauthorized.response) }
        let bus = service.events
        let kinds = Set(request.queryValues("kind"))
        let resumeAfter = (request.lastEventID ?? request.queryValue("last_event_id")).flatMap { Int64($0) }
        let service = self.service
        return .eventStream { stream in
            let visible: @Sendable (AgoraEvent) -> Bool = { event in
                guard kinds.isEmpty || kinds.contains(event.kind) else { return false }
                return Self.eventVisible(event, to: principal, service: service)
            }
            let send: @Sendable (AgoraEvent) -> Void = { event in
                guard visible(event) else { return }
                _ = try? stream.send(event: event.kind, id: String(event.id), data: event.json.text)
            }
            if let resumeAfter { for event in bus.events(after: resumeAfter) { send(event) } }
            let token = bus.subscribe(send)
            stream.onClose { bus.unsubscribe(token) }
            _ = stream.sendComment("agora events")
        }
    }
}
