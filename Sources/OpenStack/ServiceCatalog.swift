import Foundation

/// The service catalog from a Keystone v3 token: endpoints by service type, interface and region.
public struct ServiceCatalog: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        public var serviceType: String
        public var interface: String
        public var region: String?
        public var url: URL
    }

    public var endpoints: [Endpoint]

    public init(endpoints: [Endpoint]) {
        self.endpoints = endpoints
    }

    /// Reads `token.catalog` (or a `GET /v3/auth/catalog` body's `catalog`); entries without a
    /// usable URL are skipped.
    public init(catalog: JSON) {
        var endpoints: [Endpoint] = []
        for service in catalog.arrayValue ?? [] {
            guard let type = service["type"]?.stringValue else { continue }
            for endpoint in service["endpoints"]?.arrayValue ?? [] {
                guard let interface = endpoint["interface"]?.stringValue,
                    let text = endpoint["url"]?.stringValue, let url = URL(string: text)
                else { continue }
                let region = endpoint["region_id"]?.stringValue ?? endpoint["region"]?.stringValue
                endpoints.append(Endpoint(serviceType: type, interface: interface, region: region, url: url))
            }
        }
        self.endpoints = endpoints
    }

    /// The URL of `serviceType` at `interface`, in `region` when one is given.
    public func url(serviceType: String, interface: String, region: String?) throws -> URL {
        let match = endpoints.first { endpoint in
            endpoint.serviceType == serviceType && endpoint.interface == interface
                && (region == nil || endpoint.region == region)
        }
        guard let match else {
            throw OpenStackError.endpointNotFound(serviceType: serviceType, interface: interface, region: region)
        }
        return match.url
    }
}

/// A Keystone token with its expiry and catalog. The token text is a secret and is never
/// included in `description`.
public struct AuthToken: Sendable, CustomStringConvertible {
    public var value: String
    public var expiresAt: Date
    public var catalog: ServiceCatalog
    public var projectID: String?
    public var userID: String?

    public var description: String {
        "AuthToken(expires_at: \(expiresAt), project: \(projectID ?? "-"), user: \(userID ?? "-"))"
    }
}

/// Parses Keystone's `expires_at` (`2015-08-27T09:49:58.000000Z`), with or without fractional
/// seconds and with `Z` or a numeric offset.
func parseKeystoneTime(_ text: String) -> Date? {
    var whole = text
    var fraction = 0.0
    if let dot = text.firstIndex(of: ".") {
        let rest = text[text.index(after: dot)...]
        let digits = rest.prefix { $0.isNumber }
        fraction = Double("0." + digits) ?? 0
        whole = String(text[..<dot]) + String(rest.dropFirst(digits.count))
    }
    if !whole.hasSuffix("Z") && !whole.contains("+") && whole.filter({ $0 == "-" }).count == 2 {
        whole += "Z"
    }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: whole) else { return nil }
    return date + fraction
}
