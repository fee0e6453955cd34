import CMicroHTTPD
import Foundation

// The C callbacks that libmicrohttpd calls on its worker threads. They are plain global functions, outside any
// actor, because Swift 6 traps when a callback isolated to an actor runs on a foreign thread. Each recovers its
// Swift objects from the `cls` pointer that it was registered with.

/// Creates the request's state from the undecoded request target, before libmicrohttpd decodes it.
let uriLogCallback:
    @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?) -> UnsafeMutableRawPointer? = {
        _, uri, connection in
        let state = RequestState(rawTarget: uri.map { String(cString: $0) } ?? "/")
        if let connection, let address = agora_mhd_client_address(connection) {
            state.clientAddress = numericHost(address)
        }
        return Unmanaged.passRetained(state).toOpaque()
    }

/// Accumulates the body within the size limit, then routes the request and queues the response.
let accessHandlerCallback: MHD_AccessHandlerCallback = {
    cls, connection, _, method, version, uploadData, uploadDataSize, requestContext in
    guard let cls, let connection, let uploadDataSize, let requestContext, let rawState = requestContext.pointee
    else {
        return .NO
    }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    let state = Unmanaged<RequestState>.fromOpaque(rawState).takeUnretainedValue()
    let limit = context.configuration.maxBodyBytes

    if !state.headersSeen {
        state.headersSeen = true
        state.method = method.map { String(cString: $0) } ?? ""
        let declared = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length")
            .flatMap { UInt64(String(cString: $0)) }
        if let declared, declared > UInt64(limit) {
            return queueTooLarge(connection: connection, state: state, context: context, size: "\(declared)")
        }
        return .YES
    }

    let chunkSize = uploadDataSize.pointee
    if chunkSize > 0 {
        uploadDataSize.pointee = 0
        state.receivedBodyBytes += chunkSize
        if state.receivedBodyBytes > limit {
            // libmicrohttpd 0.9.75 accepts a response only before or after the body, so a body without a
            // Content-Length that passes the limit is discarded until it ends and then gets 413. A client that
            // sends more than twice the limit is cut off without a response.
            state.body = []
            guard state.receivedBodyBytes <= 2 * limit else {
                let client = state.clientAddress ?? "unknown client"
                context.log(
                    .info,
                    "closed connection from \(client): \(state.method) \(state.rawTarget) sent a "
                        + "chunked body over twice the limit of \(limit) bytes")
                return .NO
            }
            return .YES
        }
        if let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: chunkSize) { bytes in
                state.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: chunkSize))
            }
        }
        return .YES
    }
    if state.receivedBodyBytes > limit {
        return queueTooLarge(
            connection: connection, state: state, context: context, size: "\(state.receivedBodyBytes)")
    }

    let versionText = version.map { String(cString: $0) } ?? "HTTP/1.1"
    let response = respond(connection: connection, state: state, version: versionText, context: context)
    return queue(response, connection: connection, state: state, context: context)
}

private func queueTooLarge(
    connection: OpaquePointer, state: RequestState, context: ServerContext, size: String
) -> MHD_Result {
    let message = "request body of \(size) bytes exceeds the limit of \(context.configuration.maxBodyBytes) bytes"
    var response = HTTPResponse.error(status: 413, message: message)
    response.headers.set("Connection", "close")
    return queue(response, connection: connection, state: state, context: context)
}

/// Reports the finished request to the hooks and releases its state.
let requestCompletedCallback:
    @convention(c) (
        UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
        MHD_RequestTerminationCode
    ) -> Void = { cls, _, requestContext, termination in
        guard let cls, let requestContext, let rawState = requestContext.pointee else {
            return
        }
        requestContext.pointee = nil
        let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
        let state = Unmanaged<RequestState>.fromOpaque(rawState).takeRetainedValue()
        guard let status = state.status else {
            return
        }

        let record = HTTPAccessRecord(
            method: state.method, path: RequestTarget.rawPath(of: state.rawTarget), route: state.route,
            status: status, duration: ContinuousClock.now - state.start, clientAddress: state.clientAddress,
            isEventStream: state.isEventStream, completed: termination == .REQUEST_TERMINATED_COMPLETED_OK)
        context.accessLog?(record)
        if !state.isEventStream {
            context.latencyObserver?(record)
        }
    }

/// Feeds an event stream's buffered bytes to libmicrohttpd.
let eventStreamReaderCallback: MHD_ContentReaderCallback = { cls, _, buffer, max in
    guard let cls, let buffer else {
        return -2
    }
    let stream = Unmanaged<EventStream>.fromOpaque(cls).takeUnretainedValue()
    return stream.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: max))
}

/// Marks an event stream closed when libmicrohttpd frees its response, and releases the stream.
let eventStreamFreeCallback: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else {
        return
    }
    let stream = Unmanaged<EventStream>.fromOpaque(cls).takeRetainedValue()
    stream.markClosed()
}

/// Formats libmicrohttpd's printf-style log messages and hands them to the server's log.
let daemonLogCallback: MHD_LogCallback = { cls, format, arguments in
    guard let cls, let format, let arguments else {
        return
    }
    var buffer = [CChar](repeating: 0, count: 1024)
    _ = vsnprintf(&buffer, buffer.count, format, arguments)
    let message = decodeCString(buffer).trimmingCharacters(in: .whitespacesAndNewlines)
    Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().recordDaemonMessage(message)
}

/// Returns the numeric form of an IPv4 or IPv6 socket address.
func numericHost(_ address: UnsafePointer<sockaddr>) -> String? {
    let length =
        Int32(address.pointee.sa_family) == AF_INET6
        ? socklen_t(MemoryLayout<sockaddr_in6>.size) : socklen_t(MemoryLayout<sockaddr_in>.size)
    var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else {
        return nil
    }
    return decodeCString(host)
}

/// Decodes a NUL-terminated C string held in an array.
func decodeCString(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
