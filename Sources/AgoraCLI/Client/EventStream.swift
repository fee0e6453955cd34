import Foundation
import OpenStack

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One server-sent event as `GET /v1/events` writes it.
struct ServerSentEvent: Sendable, Equatable {
    var id: String?
    var event: String?
    var data: String
}

/// Splits a `text/event-stream` body into events, as the HTML standard's event-stream format
/// defines it: `field: value` lines, comments starting with `:`, a blank line ending each event.
struct ServerSentEventParser {
    private var pending = Data()
    private var id: String?
    private var event: String?
    private var dataLines: [String] = []

    /// Adds bytes from the stream and returns the events they complete.
    mutating func feed(_ bytes: Data) -> [ServerSentEvent] {
        pending.append(bytes)
        var events: [ServerSentEvent] = []
        while let newline = pending.firstIndex(of: 0x0a) {
            var lineBytes = pending[pending.startIndex..<newline]
            if lineBytes.last == 0x0d { lineBytes = lineBytes.dropLast() }
            let line = String(decoding: lineBytes, as: UTF8.self)
            pending = Data(pending[pending.index(after: newline)...])
            if let complete = take(line) { events.append(complete) }
        }
        return events
    }

    private mutating func take(_ line: String) -> ServerSentEvent? {
        if line.isEmpty {
            defer {
                event = nil
                dataLines = []
            }
            guard !dataLines.isEmpty else { return nil }
            return ServerSentEvent(id: id, event: event, data: dataLines.joined(separator: "\n"))
        }
        if line.hasPrefix(":") { return nil }
        let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let field = String(parts[0])
        var value = parts.count > 1 ? String(parts[1]) : ""
        if value.hasPrefix(" ") { value.removeFirst() }
        switch field {
        case "id": id = value
        case "event": event = value
        case "data": dataLines.append(value)
        default: break
        }
        return nil
    }
}

/// An item of an event-stream connection: the server's acceptance, then each event.
enum EventStreamItem: Sendable {
    case opened
    case event(ServerSentEvent)
}

/// Opens `GET /v1/events` and hands its events to an `AsyncThrowingStream` as they arrive.
///
/// The stream finishes when the server closes the connection, and throws `ClientError` when the
/// connection fails or the server responds with an error status.
final class EventStreamConnection: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let continuation: AsyncThrowingStream<EventStreamItem, Error>.Continuation
    private let baseURL: String
    /// Only touched from the session's serial delegate queue.
    private var parser = ServerSentEventParser()
    private var status = 0
    private var errorBody = Data()

    private init(baseURL: String, continuation: AsyncThrowingStream<EventStreamItem, Error>.Continuation) {
        self.baseURL = baseURL
        self.continuation = continuation
    }

    /// Connects, resuming after `lastEventID` when given, with the kinds the server should send.
    static func open(_ client: AgoraClient, kinds: [String], lastEventID: String?) -> AsyncThrowingStream<
        EventStreamItem, Error
    > {
        let (stream, continuation) = AsyncThrowingStream<EventStreamItem, Error>.makeStream()
        let connection = EventStreamConnection(baseURL: client.baseURL.absoluteString, continuation: continuation)
        var request = URLRequest(url: client.url(["v1", "events"], query: kinds.map { ("kind", $0) }))
        // The stream stays open while no event happens, so the idle timeout is a week.
        request.timeoutInterval = 7 * 24 * 3600
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        if let token = client.token { request.setValue(token, forHTTPHeaderField: "X-Auth-Token") }
        if let lastEventID { request.setValue(lastEventID, forHTTPHeaderField: "Last-Event-ID") }

        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: .default, delegate: connection, delegateQueue: queue)
        let task = session.dataTask(with: request)
        continuation.onTermination = { _ in
            task.cancel()
            session.invalidateAndCancel()
        }
        task.resume()
        return stream
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status == 200 { continuation.yield(.opened) }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard status == 200 else {
            if errorBody.count < 64 * 1024 { errorBody.append(data) }
            return
        }
        for event in parser.feed(data) { continuation.yield(.event(event)) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error {
            continuation.finish(throwing: ClientError.unreachable(url: baseURL, reason: error.localizedDescription))
        } else if status != 200 {
            let json = try? JSON.parse(errorBody, source: "response")
            let message = AgoraClient.errorMessage(json: json, data: errorBody)
            if status >= 500 || status == 0 {
                continuation.finish(throwing: ClientError.serverFailure(status: status, message: message))
            } else {
                continuation.finish(
                    throwing: ClientError.rejected(
                        status: status,
                        message: AgoraClient.rejection(status: status, message: message, json: json, subjects: [])))
            }
        } else {
            continuation.finish()
        }
        session.finishTasksAndInvalidate()
    }
}
