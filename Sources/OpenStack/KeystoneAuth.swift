import Foundation

/// Builds Keystone v3 token requests from a configuration and reads their responses.
enum KeystoneAuth {
    /// The `POST /v3/auth/tokens` URL for an auth URL given with or without its `/v3` suffix.
    static func tokensURL(authURL: URL) -> URL {
        var base = authURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v3") { base += "/v3" }
        return URL(string: base + "/auth/tokens")!
    }

    /// The request body. It contains the password or secret, so it must never be logged.
    static func requestBody(_ config: CloudConfig) throws -> JSON {
        var identity: [String: JSON]
        var auth: [String: JSON] = [:]

        switch config.authType {
        case .password:
            var user: [String: JSON] = ["password": .string(config.password ?? "")]
            if let id = config.userID {
                user["id"] = .string(id)
            } else {
                user["name"] = .string(config.username ?? "")
                user["domain"] = domainReference(id: config.userDomainID, name: config.userDomainName)
            }
            identity = ["methods": ["password"], "password": ["user": .object(user)]]
            if let scope = try scope(config) { auth["scope"] = scope }

        case .applicationCredential:
            var credential: [String: JSON] = ["secret": .string(config.applicationCredentialSecret ?? "")]
            if let id = config.applicationCredentialID {
                credential["id"] = .string(id)
            } else {
                credential["name"] = .string(config.applicationCredentialName ?? "")
                var user: [String: JSON] = [:]
                if let id = config.userID {
                    user["id"] = .string(id)
                } else {
                    user["name"] = .string(config.username ?? "")
                    user["domain"] = domainReference(id: config.userDomainID, name: config.userDomainName)
                }
                credential["user"] = .object(user)
            }
            // An application credential carries its own project scope; Keystone rejects another.
            identity = ["methods": ["application_credential"], "application_credential": .object(credential)]

        case .adminToken, .none:
            throw OpenStackError.invalidConfiguration(
                key: "auth_type", value: config.authType.rawValue, fix: "this auth type does not use Keystone")
        }

        auth["identity"] = .object(identity)
        return ["auth": .object(auth)]
    }

    private static func scope(_ config: CloudConfig) throws -> JSON? {
        if let id = config.projectID {
            return ["project": ["id": .string(id)]]
        }
        if let name = config.projectName {
            guard config.projectDomainID != nil || config.projectDomainName != nil else {
                throw OpenStackError.invalidConfiguration(
                    key: "project_domain_name", value: "<unset>",
                    fix: "set project_domain_name or project_domain_id (OS_PROJECT_DOMAIN_NAME) for project \(name)")
            }
            let domain = domainReference(id: config.projectDomainID, name: config.projectDomainName)
            return ["project": ["name": .string(name), "domain": domain]]
        }
        if config.domainID != nil || config.domainName != nil {
            return ["domain": domainReference(id: config.domainID, name: config.domainName)]
        }
        return nil
    }

    private static func domainReference(id: String?, name: String?) -> JSON {
        if let id { return ["id": .string(id)] }
        return ["name": .string(name ?? "Default")]
    }

    /// Reads a 201 response: the token from `X-Subject-Token`, the rest from the body.
    static func token(from response: HTTPResponse, url: URL) throws -> AuthToken {
        guard let value = response.header("X-Subject-Token"), !value.isEmpty else {
            throw OpenStackError.invalidResponse(url: url.absoluteString, reason: "no X-Subject-Token header")
        }
        let body = try JSON.parse(response.body, source: "the token response from \(url.absoluteString)")
        guard let token = body["token"], let expiryText = token["expires_at"]?.stringValue,
            let expiresAt = parseKeystoneTime(expiryText)
        else {
            throw OpenStackError.invalidResponse(url: url.absoluteString, reason: "no readable token.expires_at")
        }
        return AuthToken(
            value: value, expiresAt: expiresAt, catalog: ServiceCatalog(catalog: token["catalog"] ?? .array([])),
            projectID: token["project"]?["id"]?.stringValue, userID: token["user"]?["id"]?.stringValue)
    }
}
