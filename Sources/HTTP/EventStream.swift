import CMicroHTTPD
import Synchronization

/// An open server-sent events response, to which the service sends events from any thread.
///
/// The stream does not hold a worker thread while idle. libmicrohttpd pulls the body through a content reader
/// callback, and when nothing is buffered the reader suspends the connection (`MHD_suspend_connection`), which
/// takes it out of the event loop. `send` appends to the buffer and resumes the connection, so the event goes out
/// at once on whichever worker owns the connection. A suspended connection neither times out nor notices that
/// the client left, so the server sends a `: keepalive` comment on a timer. That comment keeps proxies from
/// closing the stream and makes a write fail once the client is gone, and the stream then reports itself closed.
public final class EventStream: Sendable {
    private struct State {
        var buffer: [UInt8] = []
        /// The address of libmicrohttpd's connection, stored as an integer so that the state stays Sendable.
        var connection: UInt?
        var suspended = false
        var ending = false
        var closed = false
        var closeCallbacks: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())
    private let maxBufferBytes: Int
    private let log: @Sendable (HTTPLogLevel, String) -> Void

    /// The `Last-Event-ID` header of the request that opened the stream, for replaying missed events.
    public let lastEventID: String?

    init(lastEventID: String?, maxBufferBytes: Int, log: @escaping @Sendable (HTTPLogLevel, String) -> Void) {
        self.lastEventID = lastEventID
        self.maxBufferBytes = maxBufferBytes
        self.log = log
    }

    /// True once the stream delivers no more events: the client left, `close()` was called, the server stopped,
    /// or the client fell too far behind.
    public var isClosed: Bool {
        state.withLock { $0.closed || $0.ending }
    }

    /// Sends one event. `data` may span lines, and each line goes out as its own `data:` field.
    /// Returns false when the stream is closed and the event was dropped.
    @discardableResult
    public func send(event: String? = nil, id: String? = nil, data: String) throws(HTTPError) -> Bool {
        var text = ""
        if let event {
            try checkField(name: "event", value: event)
            text += "event: \(event)\n"
        }
        if let id {
            try checkField(name: "id", value: id)
            text += "id: \(id)\n"
        }
        for line in splitLines(data) {
            text += "data: \(line)\n"
        }
        text += "\n"
        return enqueue(Array(text.utf8))
    }

    /// Sends a comment line, which clients ignore; each line of `text` becomes its own comment.
    @discardableResult
    public func sendComment(_ text: String) -> Bool {
        let lines = splitLines(text).map { ": \($0)\n" }.joined()
        return enqueue(Array((lines + "\n").utf8))
    }

    /// Ends the stream after the events already sent; the client sees the end of the response.
    public func close() {
        state.withLock { state in
            state.ending = true
            resumeIfSuspended(&state)
        }
    }

    /// Registers a callback to run once the connection is gone. It runs at once when the stream is already closed.
    public func onClose(_ callback: @escaping @Sendable () -> Void) {
        let alreadyClosed = state.withLock { state in
            if !state.closed {
                state.closeCallbacks.append(callback)
            }
            return state.closed
        }
        if alreadyClosed {
            callback()
        }
    }

    private func enqueue(_ bytes: [UInt8]) -> Bool {
        state.withLock { state in
            guard !state.closed && !state.ending else {
                return false
            }
            guard state.buffer.count + bytes.count <= maxBufferBytes else {
                log(.warning, "closing an event stream whose client fell behind by more than \(maxBufferBytes) bytes")
                state.ending = true
                state.buffer.removeAll()
                resumeIfSuspended(&state)
                return false
            }
            state.buffer.append(contentsOf: bytes)
            resumeIfSuspended(&state)
            return true
        }
    }

    private func resumeIfSuspended(_ state: inout State) {
        guard state.suspended, let address = state.connection else {
            return
        }
        state.suspended = false
        MHD_resume_connection(OpaquePointer(bitPattern: address))
    }

    // MARK: Calls from libmicrohttpd's callbacks

    /// Records the connection before the response is queued, so that the reader can suspend it.
    func attach(to connection: OpaquePointer) {
        let address = UInt(bitPattern: connection)
        state.withLock { $0.connection = address }
    }

    /// Copies buffered bytes for libmicrohttpd's content reader. Returns the byte count, -1 at the end of the
    /// stream, or 0 after suspending the connection because nothing is buffered.
    func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        state.withLock { state in
            if !state.buffer.isEmpty {
                let count = min(destination.count, state.buffer.count)
                state.buffer.withUnsafeBytes { source in
                    destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[..<count]))
                }
                state.buffer.removeFirst(count)
                return count
            }
            guard !state.ending, !state.closed, let address = state.connection else {
                return -1
            }
            state.suspended = true
            MHD_suspend_connection(OpaquePointer(bitPattern: address))
            return 0
        }
    }

    /// Marks the stream closed when libmicrohttpd frees its response, and runs the close callbacks.
    func markClosed() {
        let callbacks = state.withLock { state in
            state.closed = true
            state.connection = nil
            state.suspended = false
            state.buffer.removeAll()
            defer { state.closeCallbacks.removeAll() }
            return state.closeCallbacks
        }
        for callback in callbacks {
            callback()
        }
    }
}

private func checkField(name: String, value: String) throws(HTTPError) {
    if value.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" || $0 == "\r\n" }) {
        throw .invalidEventField(name: name, value: value)
    }
}

/// Splits text at CRLF, CR or LF, the line ends that the server-sent events format accepts.
private func splitLines(_ text: String) -> [Substring] {
    text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
}
