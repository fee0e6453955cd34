import Foundation
import OpenStack

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts each notification as JSON to one URL. The body is signed with HMAC-SHA256 when a key
/// is set: `X-Agora-Signature: sha256=HEX` over the exact body bytes.
///
/// Connection errors, timeouts, 5xx and 429 (Too Many Requests) responses are retried. Any
/// other status outside 2xx is final and recorded with the start of the response body.
public struct WebhookSender: NotificationSender {
    public let sink = "webhook"
    public let url: URL
    /// The HMAC key; nil sends no signature.
    public let secret: [UInt8]?
    /// Seconds a request may take.
    public var timeout: Double = 10
    private let session: URLSession

    public init(url: URL, secret: [UInt8]?) {
        self.url = url
        self.secret = secret
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    /// Builds the body sent for an entry: the delivery id, the event kind, the incident and the event.
    public static func body(_ entry: OutboxEntry) -> [UInt8] {
        let data = (try? JSON.parse(Data(entry.payload.utf8), source: "outbox row \(entry.id)")) ?? .null
        let object: JSON = [
            "delivery_id": .string(entry.deliveryID), "kind": .string(entry.eventKind),
            "incident_id": entry.incidentID.map { .string($0) } ?? .null,
            "created_at": .string(Timestamps.text(Date(timeIntervalSince1970: entry.createdAt))), "data": data,
        ]
        return Array(object.text.utf8)
    }

    /// Computes the value of `X-Agora-Signature` for `body` under `key`.
    public static func signature(_ body: [UInt8], key: [UInt8]) -> String {
        "sha256=" + HMACSHA256.hex(body, key: key)
    }

    public func send(_ entry: OutboxEntry) async -> DeliveryOutcome {
        let body = Self.body(entry)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(entry.eventKind, forHTTPHeaderField: "X-Agora-Event")
        request.setValue(entry.deliveryID, forHTTPHeaderField: "X-Agora-Delivery")
        if let secret { request.setValue(Self.signature(body, key: secret), forHTTPHeaderField: "X-Agora-Signature") }

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            return .retry("POST \(url.absoluteString) failed: \(error.localizedDescription)")
        }
        guard let status = (response as? HTTPURLResponse)?.statusCode else {
            return .retry("POST \(url.absoluteString) returned no HTTP status")
        }
        if (200..<300).contains(status) { return .delivered }

        let responseText = String(decoding: data.prefix(500), as: UTF8.self)
        let message = "POST \(url.absoluteString) returned HTTP \(status): \(responseText)"
        return status >= 500 || status == 429 ? .retry(message) : .failed(message)
    }
}
