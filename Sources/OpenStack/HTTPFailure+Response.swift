import Foundation

extension HTTPFailure {
    /// Reads the service's error out of a response body. Neutron sends
    /// `{"NeutronError": {"type", "message"}}`, Nova `{"conflictingRequest": {"message", "code"}}`,
    /// Keystone `{"error": {"message", "title"}}`; any other body is kept as its first 500 characters.
    public init(method: String, url: URL, response: HTTPResponse) {
        var message = String(decoding: response.body.prefix(500), as: UTF8.self)
        var errorType: String?

        if let body = try? JSON.parse(response.body, source: url.absoluteString), let members = body.objectValue {
            if let neutron = members["NeutronError"] {
                errorType = neutron["type"]?.stringValue
                message = neutron["message"]?.stringValue ?? message
            } else if members.count == 1, let (key, inner) = members.first, let text = inner["message"]?.stringValue {
                errorType = key == "error" ? inner["title"]?.stringValue : key
                message = text
            } else if let text = members["message"]?.stringValue ?? members["description"]?.stringValue {
                message = text
            }
        }

        self.init(
            method: method, url: url.absoluteString, status: response.status,
            message: message.trimmingCharacters(in: .whitespacesAndNewlines), errorType: errorType,
            requestID: response.header("X-Openstack-Request-Id") ?? response.header("X-Compute-Request-Id"))
    }
}
