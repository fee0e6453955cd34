/// A failure of a client command, with the exit status scripts may rely on.
///
/// The statuses are part of the command-line contract: 1 when the server rejected the request
/// (HTTP 4xx), 2 for a usage error, 3 when the server could not be reached or failed (HTTP 5xx).
enum ClientError: Error {
    /// The command line is wrong; `message` names the argument and what is expected.
    case usage(String)
    /// The server responded with 4xx; `message` is the whole line to print.
    case rejected(status: Int, message: String)
    /// No HTTP response came back from `url`; `keystone` tells a Keystone login from an API call.
    case unreachable(url: String, reason: String, keystone: Bool = false)
    /// The server responded with 5xx, or with a body that is not the API's JSON.
    case serverFailure(status: Int?, message: String)

    static let rejectedStatus: Int32 = 1
    static let usageStatus: Int32 = 2
    static let unreachableStatus: Int32 = 3

    var exitStatus: Int32 {
        switch self {
        case .usage: return Self.usageStatus
        case .rejected: return Self.rejectedStatus
        case .unreachable, .serverFailure: return Self.unreachableStatus
        }
    }

    /// The text printed after `agora: ` on stderr.
    var message: String {
        switch self {
        case .usage(let text): return text
        case .rejected(_, let text): return text
        case .unreachable(let url, let reason, true):
            return "cannot reach Keystone at \(url): \(reason); check OS_AUTH_URL or the cloud's auth_url"
        case .unreachable(let url, let reason, false):
            return "cannot reach the Agora server at \(url): \(reason); start it with `agora serve`, "
                + "or pass its address with --url URL or AGORA_URL"
        case .serverFailure(let status, let text):
            let code = status.map { " (HTTP \($0))" } ?? ""
            return "the server failed: \(text)\(code); the server's log has the details"
        }
    }
}

/// The subject of a request, so that a 404 names the missing thing and how to list what exists.
struct Subject: Sendable {
    /// The name or id the user typed.
    var name: String
    /// The thing's name in messages: `policy 'foo'`, `rule 'r' in policy 'p'`.
    var description: String
    /// The command that lists things of this kind: `agora policy list`.
    var listCommand: String
    /// The plural noun for the hint: `policies`.
    var plural: String

    static func policy(_ name: String) -> Subject {
        Subject(name: name, description: "policy '\(name)'", listCommand: "agora policy list", plural: "policies")
    }

    static func rule(_ name: String, policy: String) -> Subject {
        Subject(
            name: name, description: "rule '\(name)' in policy '\(policy)'",
            listCommand: "agora rule list \(policy)", plural: "rules")
    }

    static func table(_ name: String, policy: String) -> Subject {
        Subject(
            name: name, description: "table '\(name)' of policy '\(policy)'",
            listCommand: "agora table list \(policy)", plural: "tables")
    }

    static func dataSource(_ name: String) -> Subject {
        Subject(
            name: name, description: "data source '\(name)'", listCommand: "agora datasource list",
            plural: "data sources")
    }

    static func dataSourceTable(_ name: String, source: String) -> Subject {
        Subject(
            name: name, description: "table '\(name)' of data source '\(source)'",
            listCommand: "agora datasource schema \(source)", plural: "its tables")
    }

    static func library(_ name: String) -> Subject {
        Subject(
            name: name, description: "library policy '\(name)'", listCommand: "agora library list",
            plural: "library policies")
    }

    static func incident(_ id: String) -> Subject {
        Subject(name: id, description: "incident '\(id)'", listCommand: "agora incident list", plural: "incidents")
    }

    static func action(_ id: String) -> Subject {
        Subject(name: id, description: "action '\(id)'", listCommand: "agora action list", plural: "actions")
    }

    /// The line for a 404: what is missing and how to find what exists.
    var notFoundMessage: String {
        "\(description) not found (HTTP 404); list \(plural) with: \(listCommand)"
    }
}
