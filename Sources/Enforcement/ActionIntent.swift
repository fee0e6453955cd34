import Datalog

/// A request to act, read from one row of an `execute[...]` table, before any decision.
///
/// Rules write `execute[agora:RESPONSE(vm, source_ip)]` for VM responses and
/// `execute[agora:block(address)]` for address blocks. Any other service, action or arity still
/// makes an intent, with `response` nil and `problem` saying why, so that the ledger keeps a
/// record of what a policy asked for and the guard can reject it with that reason.
public struct ActionIntent: Hashable, Sendable {
    /// The row's identity: policy, `service:action` and the canonical arguments. A row that is
    /// derived again has the same key.
    public var key: String
    public var policy: String
    /// `service:action` as the rule wrote it.
    public var action: String
    /// The arguments in the policy language's canonical form, comma-separated.
    public var arguments: String
    public var response: ResponseKind?
    public var target: ActionTarget
    /// Why the call is not a response Agora carries out; nil when it is one.
    public var problem: String?

    /// The service name under which the policy language addresses Agora's own responses.
    public static let service = "agora"

    public init(call: ActionCall) {
        policy = call.policy
        action = "\(call.service):\(call.action)"
        arguments = call.arguments.map(\.description).joined(separator: ", ")
        key = "\(call.policy)|\(action)(\(arguments))"
        target = ActionTarget()

        let congressForm = Self.congressAliases[call.service + ":" + call.action]
        guard call.service == Self.service || congressForm != nil else {
            problem = "service \(call.service) is not \(Self.service); Agora carries out only its own responses"
            return
        }
        guard let kind = congressForm ?? ResponseKind(rawValue: call.action) else {
            let known = ResponseKind.allCases.map(\.rawValue).joined(separator: ", ")
            problem = "action \(call.action) is not a known response (\(known))"
            return
        }
        let texts = call.arguments.map { $0.string ?? $0.description }
        switch (kind, texts.count) {
        case (.block, 1):
            target = ActionTarget(address: texts[0])
        case (.block, _):
            problem = "block takes one argument (the address) but the rule gave \(texts.count)"
            return
        case (_, 2):
            target = ActionTarget(vmID: texts[0], address: texts[1])
        case (_, 1):
            target = ActionTarget(vmID: texts[0])
        default:
            problem = "\(kind.rawValue) takes the VM and the source address but the rule gave \(texts.count) arguments"
            return
        }
        response = kind
    }

    /// Congress's action names for the responses Agora carries out itself, so that rules written
    /// for Congress (`execute[nova:servers.pause(vm)]`) go through the same ledger and guard.
    public static let congressAliases: [String: ResponseKind] = [
        "nova:servers.pause": .pause, "nova:servers.lock": .lock,
    ]

    /// The intent that a stored action was made from, for deciding it again.
    init(record: ActionRecord) {
        key = record.key
        policy = record.policy
        action = record.action
        arguments = record.arguments
        response = record.response
        target = record.target
        problem = record.response == nil ? "\(record.action) is not a response Agora carries out" : nil
    }
}

/// One piece of evidence that the service hands over with a round of calls: an alert, a packet
/// count, a log line. The enforcer appends `reference` to the actions that it concerns.
public struct Evidence: Hashable, Sendable, Codable {
    /// What the operator can look up: an alert id, a file and line, a flow id.
    public var reference: String
    /// The source address the evidence names.
    public var sourceAddress: String?
    /// The source MAC address, when the sensor saw the Ethernet header.
    public var sourceMAC: String?
    /// The VM, when the service already attributed the evidence to one.
    public var vmID: String?

    public init(reference: String, sourceAddress: String? = nil, sourceMAC: String? = nil, vmID: String? = nil) {
        self.reference = reference
        self.sourceAddress = sourceAddress
        self.sourceMAC = sourceMAC
        self.vmID = vmID
    }
}
