import Foundation

extension CloudConfig {
    /// Loads the configuration the way the OpenStack command-line clients do: the cloud named
    /// by `cloud` or `OS_CLOUD` from clouds.yaml (with secure.yaml merged over it), otherwise
    /// the `OS_*` variables of an openrc file.
    public static func load(cloud: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> CloudConfig
    {
        if let name = cloud ?? environment["OS_CLOUD"], !name.isEmpty {
            return try fromCloudsFile(cloud: name, environment: environment)
        }
        return try fromEnvironment(environment)
    }

    /// Returns the files searched for clouds.yaml (or secure.yaml), where the first match wins:
    /// `OS_CLIENT_CONFIG_FILE` (`OS_CLIENT_SECURE_FILE`), the current directory, the user's
    /// config directory, then /etc/openstack.
    public static func searchPath(named base: String, environment: [String: String]) -> [String] {
        var directories = [FileManager.default.currentDirectoryPath]
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            directories.append(xdg + "/openstack")
        }
        if let home = environment["HOME"], !home.isEmpty {
            directories.append(home + "/.config/openstack")
        }
        directories.append("/etc/openstack")

        var files: [String] = []
        let explicitVariable = base == "clouds" ? "OS_CLIENT_CONFIG_FILE" : "OS_CLIENT_SECURE_FILE"
        if let explicit = environment[explicitVariable], !explicit.isEmpty {
            files.append(explicit)
        }
        for directory in directories {
            files.append("\(directory)/\(base).yaml")
            files.append("\(directory)/\(base).yml")
        }
        return files
    }

    /// Reads cloud `cloud` from the first clouds.yaml on the search path.
    public static func fromCloudsFile(cloud: String, environment: [String: String]) throws -> CloudConfig {
        guard let cloudsPath = searchPath(named: "clouds", environment: environment).first(where: isReadable) else {
            throw OpenStackError.invalidConfiguration(
                key: "OS_CLOUD", value: cloud,
                fix: "no clouds.yaml found; create ~/.config/openstack/clouds.yaml or set OS_CLIENT_CONFIG_FILE")
        }
        var entry = try cloudEntry(cloud, inFile: cloudsPath, required: true)!
        if let securePath = searchPath(named: "secure", environment: environment).first(where: isReadable),
            let secure = try cloudEntry(cloud, inFile: securePath, required: false)
        {
            entry = merge(entry, secure)
        }
        return try fromCloudEntry(entry, source: "\(cloudsPath): clouds.\(cloud)")
    }

    /// Builds a configuration from one entry under `clouds:`.
    public static func fromCloudEntry(_ entry: JSON, source: String) throws -> CloudConfig {
        var config = CloudConfig()
        let auth = entry["auth"] ?? .object([:])
        func text(_ value: JSON?) -> String? {
            guard let value, !value.isNull else { return nil }
            return value.stringValue ?? value.text
        }

        if let type = text(entry["auth_type"]) {
            guard let parsed = AuthType(configName: type) else {
                throw OpenStackError.invalidConfiguration(
                    key: "\(source).auth_type", value: type,
                    fix: "use password, v3applicationcredential, admin_token or none")
            }
            config.authType = parsed
        } else if auth["application_credential_secret"] != nil {
            config.authType = .applicationCredential
        }

        config.authURL = try url(text(auth["auth_url"]), key: "\(source).auth.auth_url")
        config.username = text(auth["username"])
        config.userID = text(auth["user_id"])
        config.password = text(auth["password"])
        config.userDomainName = text(auth["user_domain_name"])
        config.userDomainID = text(auth["user_domain_id"])
        config.projectName = text(auth["project_name"]) ?? text(auth["tenant_name"])
        config.projectID = text(auth["project_id"]) ?? text(auth["tenant_id"])
        config.projectDomainName = text(auth["project_domain_name"])
        config.projectDomainID = text(auth["project_domain_id"])
        config.domainName = text(auth["domain_name"])
        config.domainID = text(auth["domain_id"])
        config.applicationCredentialID = text(auth["application_credential_id"])
        config.applicationCredentialName = text(auth["application_credential_name"])
        config.applicationCredentialSecret = text(auth["application_credential_secret"])
        config.token = text(auth["token"])
        if let defaultDomain = text(auth["default_domain"]) ?? text(auth["default_domain_id"]) {
            config.userDomainID = config.userDomainID ?? defaultDomain
            config.projectDomainID = config.projectDomainID ?? defaultDomain
        }

        config.regionName = text(entry["region_name"])
        config.interface = text(entry["interface"]) ?? text(entry["endpoint_type"]) ?? "public"
        config.computeAPIVersion = text(entry["compute_api_version"])
        if let timeout = text(entry["api_timeout"]) {
            guard let seconds = Double(timeout), seconds > 0 else {
                throw OpenStackError.invalidConfiguration(
                    key: "\(source).api_timeout", value: timeout, fix: "give a positive number of seconds")
            }
            config.timeout = seconds
        }
        for (key, value) in entry.objectValue ?? [:] where key.hasSuffix("_endpoint_override") {
            let serviceType = String(key.dropLast("_endpoint_override".count))
            config.endpointOverrides[serviceType] = try url(text(value), key: "\(source).\(key)")
        }
        if let endpoint = text(auth["endpoint"]), config.authType == .none || config.authType == .adminToken {
            // A single noauth endpoint, as keystoneauth's `none` plugin takes it, serves every service
            // that has no override of its own.
            config.endpointOverrides["*"] = try url(endpoint, key: "\(source).auth.endpoint")
        }

        try config.validate()
        return config
    }

    /// Reads the `OS_*` variables an openrc file exports.
    public static func fromEnvironment(_ environment: [String: String]) throws -> CloudConfig {
        var entry: [String: JSON] = [:]
        var auth: [String: JSON] = [:]
        let authKeys = [
            "auth_url", "username", "user_id", "password", "user_domain_name", "user_domain_id", "project_name",
            "project_id", "tenant_name", "tenant_id", "project_domain_name", "project_domain_id", "domain_name",
            "domain_id", "application_credential_id", "application_credential_name",
            "application_credential_secret", "token", "endpoint", "default_domain",
        ]
        for key in authKeys {
            if let value = environment["OS_" + key.uppercased()], !value.isEmpty { auth[key] = .string(value) }
        }
        for key in ["auth_type", "region_name", "interface", "endpoint_type", "compute_api_version", "api_timeout"] {
            if let value = environment["OS_" + key.uppercased()], !value.isEmpty { entry[key] = .string(value) }
        }
        for (name, value) in environment where name.hasPrefix("OS_") && name.hasSuffix("_ENDPOINT_OVERRIDE") {
            let serviceType = name.dropFirst(3).dropLast("_ENDPOINT_OVERRIDE".count).lowercased()
            entry["\(serviceType)_endpoint_override"] = .string(value)
        }
        entry["auth"] = .object(auth)
        return try fromCloudEntry(.object(entry), source: "environment")
    }

    private static func cloudEntry(_ cloud: String, inFile path: String, required: Bool) throws -> JSON? {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw OpenStackError.invalidConfiguration(key: path, value: "", fix: "make the file readable (\(error))")
        }
        let document = try YAML.parse(text, source: path)
        if let entry = document["clouds"]?[cloud] { return entry }
        if !required { return nil }
        let known = (document["clouds"]?.objectValue?.keys.sorted() ?? []).joined(separator: ", ")
        throw OpenStackError.invalidConfiguration(
            key: "OS_CLOUD", value: cloud, fix: "\(path) has no cloud of that name; it has: \(known)")
    }

    private static func merge(_ base: JSON, _ overlay: JSON) -> JSON {
        guard case .object(var members) = base, case .object(let extra) = overlay else { return overlay }
        for (key, value) in extra {
            members[key] = members[key].map { merge($0, value) } ?? value
        }
        return .object(members)
    }

    private static func isReadable(_ path: String) -> Bool {
        FileManager.default.isReadableFile(atPath: path)
    }

    private static func url(_ text: String?, key: String) throws -> URL? {
        guard let text, !text.isEmpty else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
        else {
            throw OpenStackError.invalidConfiguration(key: key, value: text, fix: "give an http:// or https:// URL")
        }
        return url
    }
}
