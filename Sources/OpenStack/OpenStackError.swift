import Foundation

/// A failed HTTP exchange with an OpenStack service, with the service's own error message.
public struct HTTPFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var method: String
    public var url: String
    public var status: Int
    /// The service's own error message (Neutron's `NeutronError.message`, Nova's
    /// `conflictingRequest.message`, Keystone's `error.message`), or the start of the body.
    public var message: String
    /// The service's error type where it names one: Neutron's `NeutronError.type`
    /// (`PortSecurityAndIPRequiredForSecurityGroups`), or the key Nova wraps it in
    /// (`conflictingRequest`, `itemNotFound`).
    public var errorType: String?
    public var requestID: String?

    public init(
        method: String, url: String, status: Int, message: String, errorType: String? = nil,
        requestID: String? = nil
    ) {
        self.method = method
        self.url = url
        self.status = status
        self.message = message
        self.errorType = errorType
        self.requestID = requestID
    }

    public var description: String {
        var text = "\(method) \(url) failed with HTTP \(status)"
        if let errorType { text += " \(errorType)" }
        if !message.isEmpty { text += ": \(message)" }
        if let requestID { text += " (request \(requestID))" }
        return text
    }
}

/// Errors of the OpenStack client. Each case carries the value that was wrong.
public enum OpenStackError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The service returned an error status.
    case http(HTTPFailure)
    /// No HTTP response at all (refused, reset, timed out) after every permitted attempt.
    case connection(method: String, url: String, attempts: Int, reason: String)
    /// Keystone rejected the configured credentials (the credentials themselves are not included).
    case authenticationFailed(url: String, status: Int, message: String)
    /// The catalog has no endpoint for the service with that interface and region.
    case endpointNotFound(serviceType: String, interface: String, region: String?)
    /// A configuration value is missing or invalid; `fix` names what to set.
    case invalidConfiguration(key: String, value: String, fix: String)
    case invalidJSON(source: String, reason: String)
    /// The response lacked a field the client needs (`X-Subject-Token`, `expires_at`).
    case invalidResponse(url: String, reason: String)
    /// A list kept returning pages past the page limit, or repeated a marker.
    case paginationLoop(url: String, pages: Int)

    public var description: String {
        switch self {
        case .http(let failure):
            return failure.description
        case .connection(let method, let url, let attempts, let reason):
            return "\(method) \(url) failed after \(attempts) attempt(s) with no HTTP response: \(reason)"
        case .authenticationFailed(let url, let status, let message):
            return "authentication at \(url) failed with HTTP \(status): \(message); check the configured credentials"
        case .endpointNotFound(let serviceType, let interface, let region):
            let regionText = region.map { " in region \($0)" } ?? ""
            return "the service catalog has no \(interface) endpoint of type \(serviceType)\(regionText); "
                + "set an endpoint override or another interface or region"
        case .invalidConfiguration(let key, let value, let fix):
            return "invalid configuration \(key)=\(value): \(fix)"
        case .invalidJSON(let source, let reason):
            return "\(source) is not valid JSON: \(reason)"
        case .invalidResponse(let url, let reason):
            return "unexpected response from \(url): \(reason)"
        case .paginationLoop(let url, let pages):
            return "listing \(url) did not finish after \(pages) pages; the service repeated a page marker"
        }
    }

    /// The HTTP status, when the service returned one.
    public var status: Int? {
        switch self {
        case .http(let failure): return failure.status
        case .authenticationFailed(_, let status, _): return status
        default: return nil
        }
    }
}
