import Synchronization

/// A table of routes from a method and a path pattern to a handler; safe to use from any thread.
///
/// A pattern such as `/v1/policies/{policy}/rules/{rule}` matches decoded path segments one by one, and each
/// `{name}` segment matches any one segment. A final `{name...}` segment matches the rest of the path, zero or
/// more segments, and its value is those segments joined by `/`. When several patterns match, the one with a literal segment at the
/// first place where they differ wins, so `/v1/policies/actions` beats `/v1/policies/{policy}`. HEAD requests
/// fall back to the GET handler, and a trailing slash in the request is ignored.
public final class HTTPRouter: Sendable {
    /// A handler runs on one of libmicrohttpd's worker threads and must not block for long, because other
    /// connections wait for that thread. An error it throws becomes a 500 response and a log line.
    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse

    private let routes = Mutex<[Route]>([])

    public init() {}

    /// Adds a route; a later route with the same method and pattern replaces the earlier one.
    ///
    /// The pattern must start with `/`, and each `{name}` must fill a whole segment with a name used only once.
    /// A pattern that breaks these rules is a programming error, so it stops the process.
    public func add(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping Handler) {
        let route = Route(method: method, pattern: pattern, segments: parsePattern(pattern), handler: handler)
        routes.withLock { routes in
            routes.removeAll { $0.method == method && $0.pattern == pattern }
            routes.append(route)
        }
    }

    /// The outcome of matching a request against the routes.
    enum Match {
        case found(handler: Handler, pattern: String, parameters: [String: String])
        case notFound
        case methodNotAllowed(allowed: [String])
    }

    /// Finds the route for a method and decoded path segments.
    func match(method: HTTPMethod, segments: [String]) -> Match {
        let candidates = routes.withLock { $0 }.compactMap { route in
            route.parameters(matching: segments).map { (route, $0) }
        }
        guard !candidates.isEmpty else {
            return .notFound
        }

        for wanted in method == .head ? [HTTPMethod.head, .get] : [method] {
            let best = candidates.filter { $0.0.method == wanted }.max { $0.0.precedes($1.0) }
            if let (route, parameters) = best {
                return .found(handler: route.handler, pattern: route.pattern, parameters: parameters)
            }
        }

        var allowed = Set(candidates.map(\.0.method.rawValue))
        if allowed.contains("GET") {
            allowed.insert("HEAD")
        }
        return .methodNotAllowed(allowed: allowed.sorted())
    }
}

private enum PatternSegment: Equatable {
    case literal(String)
    case parameter(String)
    case remainder(String)
}

private struct Route: Sendable {
    let method: HTTPMethod
    let pattern: String
    let segments: [PatternSegment]
    let handler: HTTPRouter.Handler

    /// Returns the parameter values when the path matches this route.
    func parameters(matching path: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        if case .remainder(let name) = segments.last {
            guard path.count >= segments.count - 1 else {
                return nil
            }
            parameters[name] = path[(segments.count - 1)...].joined(separator: "/")
        } else if path.count != segments.count {
            return nil
        }
        for (segment, value) in zip(segments, path) {
            switch segment {
            case .remainder:
                break
            case .literal(let literal):
                guard literal == value else {
                    return nil
                }
            case .parameter(let name):
                parameters[name] = value
            }
        }
        return parameters
    }

    /// Returns true when `other` is more specific: it has a literal at the first segment where the two differ.
    func precedes(_ other: Route) -> Bool {
        for (mine, theirs) in zip(segments, other.segments) {
            switch (mine, theirs) {
            case (.literal, .literal), (.parameter, .parameter), (.remainder, .remainder): continue
            case (.literal, _), (.parameter, .remainder): return false
            case (_, .literal), (.remainder, .parameter): return true
            }
        }
        return false
    }
}

private func parsePattern(_ pattern: String) -> [PatternSegment] {
    precondition(pattern.hasPrefix("/"), "route pattern '\(pattern)' must start with '/'")

    var names: Set<String> = []
    var parts = pattern.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
    if parts.last == "" {
        parts = parts.dropLast()
    }
    return parts.enumerated().map { index, part in
        guard part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 else {
            precondition(
                !part.contains("{") && !part.contains("}"),
                "route pattern '\(pattern)' has a brace "
                    + "that does not enclose a whole segment")
            return .literal(String(part))
        }
        var name = String(part.dropFirst().dropLast())
        let isRemainder = name.hasSuffix("...")
        if isRemainder {
            name.removeLast(3)
            precondition(index == parts.count - 1, "route pattern '\(pattern)' has '{\(name)...}' before its end")
        }
        precondition(!name.isEmpty, "route pattern '\(pattern)' has a parameter without a name")
        precondition(names.insert(name).inserted, "route pattern '\(pattern)' repeats the parameter '\(name)'")
        return isRemainder ? .remainder(name) : .parameter(name)
    }
}
