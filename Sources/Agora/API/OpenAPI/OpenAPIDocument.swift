import OpenStack

/// The OpenAPI 3 document of the whole API, built from `APIRoutes` and `OpenAPISchemas`. The
/// server answers `GET /v1/openapi.json` with it, and `docs/openapi.json` is the same text.
public enum OpenAPIDocument {
    public static var json: JSON {
        var paths: [String: [String: JSON]] = [:]
        for route in APIRoutes.all {
            var parameters: [JSON] = pathParameters(route.path).map { name in
                ["name": .string(name), "in": "path", "required": true, "schema": OpenAPISchemas.string]
            }
            parameters += route.query.map { name, meaning in
                [
                    "name": .string(name), "in": "query", "description": .string(meaning),
                    "schema": OpenAPISchemas.string,
                ]
            }
            var operation: [String: JSON] = [
                "tags": [.string(route.tag)], "summary": .string(route.summary),
                "responses": responses(route),
            ]
            if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
            if let body = route.body {
                operation["requestBody"] = [
                    "content": ["application/json": ["schema": OpenAPISchemas.ref(body)]]
                ]
            }
            paths[route.path, default: [:]][route.method] = .object(operation)
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Agora API",
                "version": .string(AgoraVersion.current),
                "description": .string(
                    "OpenStack Congress's v1 API, kept so that its clients work unchanged, and Agora's additions: "
                        + "incidents, actions, explanations, modes, the event stream, health and metrics. Every "
                        + "request but /healthz and /metrics carries X-Auth-Token."),
            ],
            "components": [
                "schemas": .object(OpenAPISchemas.all),
                "securitySchemes": ["token": ["type": "apiKey", "in": "header", "name": "X-Auth-Token"]],
            ],
            "security": [["token": []]],
            "paths": .object(paths.mapValues { .object($0) }),
        ]
    }

    /// The document as text, with sorted keys, ending in a newline.
    public static var text: String { json.text + "\n" }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map {
            String($0.dropFirst().dropLast())
        }
    }

    static func responses(_ route: APIRoutes.Route) -> JSON {
        var success: [String: JSON] = ["description": "success"]
        if let answer = route.answer {
            let type =
                answer == "Metrics"
                ? "text/plain" : (answer == "EventStream" ? "text/event-stream" : "application/json")
            success["content"] = .object([type: ["schema": OpenAPISchemas.ref(answer)]])
        }
        let error: JSON = [
            "description": "Congress's error body",
            "content": ["application/json": ["schema": OpenAPISchemas.ref("Error")]],
        ]
        return [String(route.status): .object(success), "400": error, "401": error, "403": error, "404": error]
    }
}
