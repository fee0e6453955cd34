import Foundation
import OpenStack

/// The connection options every client command takes, and how they become an `AgoraClient`.
///
/// The token comes from `--token`, else `AGORA_TOKEN`, else the OpenStack cloud configuration
/// when `--os-cloud`, `OS_CLOUD`, `OS_AUTH_URL` or `OS_AUTH_TYPE` is given: a Keystone login, or
/// the fixed token of auth type `admin_token`. The server address comes from `--url`, else
/// `AGORA_URL`, else the cloud's `policy` endpoint (its override, or the Keystone catalog's entry)
/// when the cloud configuration is used, else the default.
enum ClientConnection {
    static let defaultURL = "http://127.0.0.1:1789"
    static let defaultTimeout: TimeInterval = 30

    /// Options that take a value, on every client command.
    static let valuedOptions: Set<String> = ["url", "token", "os-cloud", "format", "timeout"]

    static let optionsHelp = """
        connection and output options (every client command):
          --url URL           the Agora server (env AGORA_URL; default \(defaultURL))
          --token TOKEN       an Agora API key or a Keystone token (env AGORA_TOKEN)
          --os-cloud NAME     log in to Keystone with the cloud NAME from clouds.yaml (or OS_CLOUD,
                              or OS_* variables); without --url the cloud's `policy` endpoint is used
          --format FORMAT     table (for people, the default) or json (the API's JSON, for scripts)
          --timeout SECONDS   how long to wait for each response (default \(Int(defaultTimeout)))
        """

    /// Builds the client for the parsed options, logging in to Keystone when needed.
    static func resolve(_ options: CommandLineArguments, environment: [String: String]) async throws(ClientError)
        -> AgoraClient
    {
        let timeout = try parseTimeout(options[option: "timeout"])
        let explicitURL = options[option: "url"] ?? nonEmpty(environment["AGORA_URL"])
        let token = options[option: "token"] ?? nonEmpty(environment["AGORA_TOKEN"])
        let cloud = options[option: "os-cloud"]
        let usesKeystone =
            token == nil
            && (cloud != nil
                || ["OS_CLOUD", "OS_AUTH_URL", "OS_AUTH_TYPE"].contains { nonEmpty(environment[$0]) != nil })

        guard usesKeystone else {
            return AgoraClient(baseURL: try parseURL(explicitURL ?? defaultURL), token: token, timeout: timeout)
        }
        let login = try await keystoneLogin(cloud: cloud, environment: environment, needsEndpoint: explicitURL == nil)
        let base = try explicitURL.map { text throws(ClientError) in try parseURL(text) } ?? login.endpoint!
        return AgoraClient(baseURL: base, token: login.token, timeout: timeout)
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    static func parseURL(_ text: String) throws(ClientError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw .usage("invalid server URL '\(text)'; pass --url http://HOST:PORT (or set AGORA_URL)")
        }
        return url
    }

    static func parseTimeout(_ text: String?) throws(ClientError) -> TimeInterval {
        guard let text else { return defaultTimeout }
        guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
            throw .usage("invalid --timeout '\(text)'; give a number of seconds above 0")
        }
        return seconds
    }

    /// Logs in with the cloud configuration and returns the token and, when requested, the
    /// cloud's `policy` endpoint (its override, or the catalog's entry).
    private static func keystoneLogin(cloud: String?, environment: [String: String], needsEndpoint: Bool)
        async throws(ClientError) -> (token: String?, endpoint: URL?)
    {
        let session: Session
        do {
            let config = try CloudConfig.load(cloud: cloud, environment: environment)
            session = try Session(config: config)
        } catch {
            throw .usage("cannot read the OpenStack cloud configuration: \(error)")
        }

        do {
            var token = try await session.validToken()?.value
            if token == nil { token = session.config.token }
            let endpoint = needsEndpoint ? try await session.endpoint(serviceType: "policy") : nil
            return (token, endpoint)
        } catch let error as OpenStackError {
            switch error {
            case .authenticationFailed(_, let status, _) where (400..<500).contains(status):
                throw .rejected(status: status, message: "Keystone rejected the login: \(error)")
            case .endpointNotFound, .invalidConfiguration:
                throw .usage("\(error); or pass the Agora server's address with --url URL")
            case .connection(_, let url, _, let reason):
                throw .unreachable(url: url, reason: reason, keystone: true)
            default:
                throw .serverFailure(status: error.status, message: "Keystone login failed: \(error)")
            }
        } catch {
            throw .serverFailure(status: nil, message: "Keystone login failed: \(error)")
        }
    }
}
