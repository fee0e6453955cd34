import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts EVE lines to a running Agora's `POST /v1/data-sources/{name}/events`, in batches.
///
/// `write` only queues text, and one background thread posts everything queued, so an alert on a
/// quiet link leaves at once and a busy link sends many lines per request. Each request carries at
/// most `maximumBatchBytes` plus one queued chunk (the server's default body limit is 1 MiB). A
/// transport error or a 5xx status is retried `maximumAttempts` times, `retryDelay` seconds
/// apart; any other status fails at once. After a failure every `write` and `finish` throws.
public final class EVEPushWriter: @unchecked Sendable {
    /// The events URL of the data source.
    public let endpoint: URL
    public let maximumBatchBytes: Int
    public let maximumAttempts: Int
    public let retryDelay: TimeInterval
    private let token: String?
    private let condition = NSCondition()
    private var queue: [String] = []
    private var posting = false
    private var failure: SensorError?
    private var thread: Thread?

    /// Starts the posting thread for data source `dataSource` of the server at `server`, such as
    /// `http://127.0.0.1:8080`.
    public init(
        server: URL, dataSource: String, token: String?, maximumBatchBytes: Int = 512 * 1024,
        maximumAttempts: Int = 3, retryDelay: TimeInterval = 0.5
    ) {
        var root = server.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        let name = dataSource.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"]))
        endpoint = URL(string: root + "/v1/data-sources/" + (name ?? dataSource) + "/events")!
        self.token = token
        self.maximumBatchBytes = maximumBatchBytes
        self.maximumAttempts = maximumAttempts
        self.retryDelay = retryDelay
        let thread = Thread { [weak self] in self?.run() }
        thread.name = "agora-sensor-push"
        self.thread = thread
        thread.start()
    }

    /// Queues `text`, whole lines ending in newlines, and returns without waiting for the post.
    public func write(_ text: String) throws(SensorError) {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        guard !text.isEmpty else { return }
        queue.append(text)
        condition.broadcast()
    }

    /// Waits until every queued line was posted, then stops the thread.
    public func finish() throws(SensorError) {
        condition.lock()
        defer { condition.unlock() }
        while failure == nil && (posting || !queue.isEmpty) { condition.wait() }
        thread?.cancel()
        condition.broadcast()
        if let failure { throw failure }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !Thread.current.isCancelled { condition.wait() }
            if Thread.current.isCancelled || failure != nil {
                condition.unlock()
                return
            }
            let batch = takeBatch()
            posting = true
            condition.unlock()

            let error = post(Data(batch.utf8))

            condition.lock()
            posting = false
            if let error { failure = error }
            condition.broadcast()
            condition.unlock()
            if error != nil { return }
        }
    }

    /// Removes queued chunks up to the batch size, at least one. Called with the lock held.
    private func takeBatch() -> String {
        var batch = queue.removeFirst()
        while let next = queue.first, batch.utf8.count + next.utf8.count <= maximumBatchBytes {
            batch += next
            queue.removeFirst()
        }
        return batch
    }

    /// Posts one body and retries transient failures. Returns the last error, or nil on success.
    private func post(_ body: Data) -> SensorError? {
        var lastMessage = ""
        for attempt in 1...maximumAttempts {
            if attempt > 1 { Thread.sleep(forTimeInterval: retryDelay) }
            let (status, message) = send(body)
            if let status, (200..<300).contains(status) { return nil }
            lastMessage = message
            if let status, status < 500 { break }
        }
        return .pushFailed(url: endpoint.absoluteString, message: lastMessage)
    }

    /// Sends one request and waits for it. Returns the status, nil when no response came, and a
    /// message describing the outcome.
    private func send(_ body: Data) -> (status: Int?, message: String) {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = 10
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue(token, forHTTPHeaderField: "X-Auth-Token") }

        let done = DispatchSemaphore(value: 0)
        let reply = ReplyBox()
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                reply.set(nil, error.localizedDescription)
            } else {
                let status = (response as? HTTPURLResponse)?.statusCode
                let text = String(decoding: (data ?? Data()).prefix(300), as: UTF8.self)
                reply.set(status, "HTTP \(status.map(String.init) ?? "?"): \(text)")
            }
            done.signal()
        }.resume()
        done.wait()
        return reply.get()
    }
}

/// The outcome of one request, handed from URLSession's queue to the waiting thread.
private final class ReplyBox: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int?
    private var message = ""

    func set(_ status: Int?, _ message: String) {
        lock.withLock {
            self.status = status
            self.message = message
        }
    }

    func get() -> (status: Int?, message: String) {
        lock.withLock { (status, message) }
    }
}
