import Foundation

/// The kind of credential the client authenticates with.
public enum AuthType: String, Sendable, CaseIterable {
    /// Keystone v3 password auth (`password`, `v3password`).
    case password
    /// Keystone v3 application credential (`v3applicationcredential`).
    case applicationCredential = "v3applicationcredential"
    /// A fixed token sent to explicitly configured endpoints, with no Keystone (`admin_token`).
    case adminToken = "admin_token"
    /// No Keystone and no token: explicitly configured endpoints only (`none`, `noauth`).
    case none

    /// Accepts the spellings keystoneauth and openstacksdk use.
    public init?(configName: String) {
        switch configName.lowercased() {
        case "password", "v3password": self = .password
        case "v3applicationcredential", "applicationcredential", "application_credential":
            self = .applicationCredential
        case "admin_token", "token_endpoint", "token": self = .adminToken
        case "none", "noauth", "noauth2": self = .none
        default: return nil
        }
    }
}

/// Everything needed to reach one cloud: credentials, scope, catalog choice and overrides.
///
/// `password`, `applicationCredentialSecret` and `token` are secrets: `description` and
/// `customMirror` print them as `<redacted>`, so logging or dumping a configuration is safe.
public struct CloudConfig: Sendable, Equatable {
    public var authType: AuthType = .password
    public var authURL: URL?

    public var username: String?
    public var userID: String?
    public var password: String?
    public var userDomainName: String?
    public var userDomainID: String?

    public var projectName: String?
    public var projectID: String?
    public var projectDomainName: String?
    public var projectDomainID: String?
    /// Domain scope, used when no project is named.
    public var domainName: String?
    public var domainID: String?

    public var applicationCredentialID: String?
    public var applicationCredentialName: String?
    public var applicationCredentialSecret: String?

    /// The token sent with `admin_token` auth (and with `none`, when set).
    public var token: String?

    public var regionName: String?
    /// The catalog interface: `public`, `internal` or `admin`.
    public var interface: String = "public"
    /// Endpoints by service type (`compute`, `network`), used instead of the catalog's.
    public var endpointOverrides: [String: URL] = [:]
    /// The Nova microversion to request, `2.26` when unset.
    public var computeAPIVersion: String?
    /// Seconds each HTTP attempt may take.
    public var timeout: Double = 30

    public init() {}

    /// Checks that the fields the auth type needs are present, naming the first one missing.
    public func validate() throws {
        switch authType {
        case .password:
            try require(authURL?.absoluteString, "auth_url (OS_AUTH_URL)")
            if userID == nil {
                try require(username, "username (OS_USERNAME) or user_id")
                if userDomainName == nil && userDomainID == nil {
                    throw OpenStackError.invalidConfiguration(
                        key: "user_domain_name", value: "<unset>",
                        fix: "set user_domain_name or user_domain_id (OS_USER_DOMAIN_NAME) for user \(username!)")
                }
            }
            try require(password, "password (OS_PASSWORD)")
        case .applicationCredential:
            try require(authURL?.absoluteString, "auth_url (OS_AUTH_URL)")
            try require(applicationCredentialSecret, "application_credential_secret (OS_APPLICATION_CREDENTIAL_SECRET)")
            if applicationCredentialID == nil {
                try require(applicationCredentialName, "application_credential_id or application_credential_name")
                if username == nil && userID == nil {
                    throw OpenStackError.invalidConfiguration(
                        key: "application_credential_name", value: applicationCredentialName!,
                        fix: "an application credential named by name also needs username or user_id")
                }
            }
        case .adminToken, .none:
            if endpointOverrides.isEmpty {
                throw OpenStackError.invalidConfiguration(
                    key: "auth_type", value: authType.rawValue,
                    fix: "without Keystone set each endpoint, e.g. compute_endpoint_override and "
                        + "network_endpoint_override (OS_COMPUTE_ENDPOINT_OVERRIDE)")
            }
            if authType == .adminToken { try require(token, "token (OS_TOKEN)") }
        }
        if !["public", "internal", "admin"].contains(interface) {
            throw OpenStackError.invalidConfiguration(
                key: "interface", value: interface, fix: "use public, internal or admin")
        }
    }

    private func require(_ value: String?, _ name: String) throws {
        if value == nil || value!.isEmpty {
            throw OpenStackError.invalidConfiguration(
                key: name, value: "<unset>", fix: "set \(name) for auth type \(authType.rawValue)")
        }
    }
}

extension CloudConfig: CustomStringConvertible, CustomReflectable {
    private var printableFields: [(String, String)] {
        func show(_ value: String?) -> String { value ?? "-" }
        func secret(_ value: String?) -> String { value == nil ? "-" : "<redacted>" }
        return [
            ("auth_type", authType.rawValue), ("auth_url", show(authURL?.absoluteString)),
            ("username", show(username)), ("user_id", show(userID)), ("password", secret(password)),
            ("user_domain", show(userDomainName ?? userDomainID)), ("project", show(projectName ?? projectID)),
            ("project_domain", show(projectDomainName ?? projectDomainID)), ("domain", show(domainName ?? domainID)),
            ("application_credential", show(applicationCredentialID ?? applicationCredentialName)),
            ("application_credential_secret", secret(applicationCredentialSecret)), ("token", secret(token)),
            ("region", show(regionName)), ("interface", interface),
            (
                "overrides",
                endpointOverrides.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            ),
        ]
    }

    public var description: String {
        "CloudConfig(" + printableFields.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + ")"
    }

    public var customMirror: Mirror {
        Mirror(self, children: printableFields.map { (label: Optional($0.0), value: $0.1 as Any) })
    }
}
