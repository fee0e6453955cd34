import Datalog
import OpenStack

extension CatalogError {
    /// The answer Congress gave for this refusal, with its error number, corrected where
    /// Congress answered 500 for a bad request.
    public var failure: APIFailure {
        switch self {
        case .policyNotFound: return APIFailure(status: 404, code: 404, message: "Not Found::\(description)")
        case .ruleNotFound: return APIFailure(status: 404, code: 404, message: "Not Found::\(description)")
        case .nameMissing: return congress(1010, "A name must be provided when creating a policy", nil)
        case .invalidName, .invalidKind, .invalidMode, .ruleTooLarge: return .badRequest(description)
        case .abbreviationTooLong:
            return congress(
                1022,
                "The policy abbreviation must be a string and the length of the string must be equal to or less "
                    + "than 5 characters.", description)
        case .duplicatePolicy: return APIFailure(status: 409, code: 409, message: "Conflict::\(description)")
        case .systemPolicy: return APIFailure(status: 404, code: 404, message: "Not Found::\(description)")
        case .ruleSyntax(let error, let text):
            var failure = congress(1002, "Syntax error for rule", Self.message(error))
            var data: [String: JSON] = ["kind": .string(error.kind), "text": .string(text)]
            if let at = error.location {
                data["line"] = .int(Int64(at.line))
                data["column"] = .int(Int64(at.column))
            }
            failure.data = .object(data)
            return failure
        case .emptyRule: return congress(1002, "Syntax error for rule", description)
        case .multipleRules: return congress(1003, "Received string representing more than 1 rule", description)
        case .ruleExists: return congress(1008, "Rule already exists", description)
        case .rulesNotPermitted: return congress(1019, "Rules not permitted on non persisted policies.", description)
        case .storage: return APIFailure(status: 500, code: 500, message: "Internal server error::\(description)")
        }
    }

    private func congress(_ code: Int, _ summary: String, _ detail: String?) -> APIFailure {
        let status = code == 1008 ? 409 : 400
        return APIFailure(status: status, code: code, message: summary + (detail.map { "::" + $0 } ?? ""))
    }

    /// A Datalog error as one line: position, kind and message.
    static func message(_ error: DatalogError) -> String {
        "\(error)"
    }
}

extension DatalogError {
    /// A Datalog error outside rule insertion (a query, a simulate sequence), as a 400.
    public var failure: APIFailure {
        var data: [String: JSON] = ["kind": .string(kind)]
        if let at = location {
            data["line"] = .int(Int64(at.line))
            data["column"] = .int(Int64(at.column))
        }
        return APIFailure(status: 400, code: 400, message: "Bad Request::\(self)", data: .object(data))
    }
}

/// Rule text the way Congress answers a rule insertion: the head and ` :-`, then each body
/// literal on its own line, indented two spaces, commas at line ends.
public enum RuleFormatting {
    public static func congressText(_ rule: Rule) -> String {
        let head = rule.heads.map(\.description).joined(separator: ", ")
        if rule.body.isEmpty { return head }
        return head + " :-\n" + rule.body.map { "  " + $0.description }.joined(separator: ",\n")
    }
}
