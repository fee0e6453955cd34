import Datalog
import Foundation

/// One case of a policy test file: a JSON object in the format of Congress's test vectors.
///
/// A case creates policies, loads rules and facts, applies updates, and then checks a query's
/// answers, the actions `execute[...]` rules requested, or the error a rejected insert raised.
public struct PolicyTestCase: Decodable, Sendable {
    public struct OtherPolicy: Decodable, Sendable {
        public var name: String
        public var kind: String?
        public var schema: [String: [String]]?
        public var rules: String?
        public var facts: String?
    }

    public struct Update: Decodable, Sendable {
        public var op: String
        public var text: String
        public var policy: String?
        public var expectPermitted: Bool?

        enum CodingKeys: String, CodingKey {
            case op, text, policy
            case expectPermitted = "expect_permitted"
        }
    }

    public struct Simulation: Decodable, Sendable {
        public var actionPolicy: String
        public var actionRules: String
        public var sequence: String
        public var delta: Bool

        enum CodingKeys: String, CodingKey {
            case sequence, delta
            case actionPolicy = "action_policy"
            case actionRules = "action_rules"
        }
    }

    public struct ExpectedError: Decodable, Sendable {
        public var kind: String
        public var message: String
    }

    public struct Call: Decodable, Hashable, Sendable {
        public struct Arguments: Decodable, Hashable, Sendable {
            public var positional: [JSONScalar]
        }

        public var service: String
        public var action: String
        public var args: Arguments
    }

    public var name: String
    public var kind: String
    public var policy: String?
    public var otherPolicies: [OtherPolicy]?
    public var preRules: String?
    public var rules: String?
    public var facts: String?
    public var updates: [Update]?
    public var simulate: Simulation?
    public var query: String?
    public var expected: String?
    public var expectedCalls: [Call]?
    public var expectedError: ExpectedError?

    enum CodingKeys: String, CodingKey {
        case name, kind, policy, rules, facts, updates, simulate, query, expected
        case otherPolicies = "other_policies"
        case preRules = "pre_rules"
        case expectedCalls = "expected_calls"
        case expectedError = "expected_error"
    }
}

/// A JSON number or string, as action arguments hold them.
public enum JSONScalar: Decodable, Hashable, Sendable {
    case int(Int64)
    case float(Double)
    case string(String)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .float(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public init(_ value: Value) {
        switch value {
        case .int(let n): self = .int(n)
        case .float(let f): self = .float(f)
        case .string(let s): self = .string(s)
        }
    }

    public var value: Value {
        switch self {
        case .int(let n): return .int(n)
        case .float(let f): return .float(f)
        case .string(let s): return .string(s)
        }
    }
}
