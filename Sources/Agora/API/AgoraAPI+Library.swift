import Foundation
import OpenStack

extension AgoraAPI {
    /// `/v1/librarypolicies[/{id}]`.
    func library(_ request: APIRequest, _ path: [String]) throws -> APIResponse {
        let includeRules = request.parameter("include_rules").map { $0.lowercased() != "false" } ?? true
        let render = { (policy: LibraryPolicy) -> JSON in
            var json = policy.json
            if !includeRules, case .object(var members) = json {
                members["rules"] = nil
                json = .object(members)
            }
            return json
        }
        if path.isEmpty {
            switch request.method {
            case "GET":
                var policies = service.library.all
                if let name = request.parameter("name") { policies = policies.filter { $0.name == name } }
                return .json(["results": .array(policies.map(render))])
            case "POST":
                try requireAdmin(request)
                let policy = try libraryPolicy(from: request, id: nil)
                try service.library.save(policy)
                return created(request, policy.json, id: policy.id)
            default: throw unsupported(request)
            }
        }
        guard path.count == 1 else { throw APIFailure.notFound("no such library resource") }
        guard let policy = try service.library.policy(path[0]) else {
            throw APIFailure.notFound("No library policy found with name or id \(path[0])")
        }
        switch request.method {
        case "GET": return .json(render(policy))
        case "PUT":
            try requireAdmin(request)
            let replacement = try libraryPolicy(from: request, id: policy.id)
            try service.library.save(replacement)
            return .json(replacement.json)
        case "DELETE":
            try requireAdmin(request)
            try service.library.delete(policy.id)
            return .json(policy.json)
        default: throw unsupported(request)
        }
    }

    private func libraryPolicy(from request: APIRequest, id: String?) throws -> LibraryPolicy {
        guard let body = try request.json(), body.objectValue != nil else {
            throw APIFailure.badRequest("Input policy item violates schema.", data: "the body must be a JSON object")
        }
        if id == nil, let given = body["id"], given != .null {
            throw APIFailure(status: 400, code: 1001, message: "Add item does not support user-chosen ID")
        }
        do {
            var policy = try LibraryPolicy(document: body, source: "request body")
            if let id { policy.id = id }
            if policy.abbreviation.count > 5 { throw CatalogError.abbreviationTooLong(policy.abbreviation) }
            try PolicyCatalog.validate(name: policy.name)
            return policy
        } catch let error as LibraryError {
            throw APIFailure.badRequest("Input policy item violates schema.", data: .string(error.description))
        }
    }
}
