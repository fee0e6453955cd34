import CMicroHTTPD

/// Builds the request, routes it and runs the handler; an error becomes a 4xx or 500 response.
func respond(connection: OpaquePointer, state: RequestState, version: String, context: ServerContext) -> HTTPResponse {
    let target: RequestTarget
    do {
        target = try RequestTarget(parsing: state.rawTarget)
    } catch {
        switch error {
        case .invalidPercentEncoding(let value):
            return .error(status: 400, message: "invalid percent-encoding or UTF-8 in '\(value)'")
        }
    }

    let method = HTTPMethod(rawValue: state.method)
    switch context.router.match(method: method, segments: target.pathSegments) {
    case .notFound:
        return .error(status: 404, message: "no route for \(state.method) \(target.rawPath)")

    case .methodNotAllowed(let allowed):
        var response = HTTPResponse.error(
            status: 405, message: "method \(state.method) not allowed for \(target.rawPath)")
        response.headers.set("Allow", allowed.joined(separator: ", "))
        return response

    case .found(let handler, let pattern, let parameters):
        state.route = pattern
        let request = HTTPRequest(
            method: method, rawPath: target.rawPath, pathSegments: target.pathSegments, queryItems: target.queryItems,
            headers: requestHeaders(of: connection), body: state.body, clientAddress: state.clientAddress,
            pathParameters: parameters, version: version)
        do {
            return try handler(request)
        } catch {
            context.log(.error, "handler for \(state.method) \(pattern) threw: \(error)")
            return .error(status: 500, message: "internal server error")
        }
    }
}

/// Returns the request's header fields in the order received.
private func requestHeaders(of connection: OpaquePointer) -> HTTPHeaders {
    var headers = HTTPHeaders()
    withUnsafeMutablePointer(to: &headers) { pointer in
        _ = MHD_get_connection_values(
            connection, .HEADER_KIND,
            { cls, _, key, value in
                guard let cls, let key else {
                    return .YES
                }
                let headers = cls.assumingMemoryBound(to: HTTPHeaders.self)
                headers.pointee.add(String(cString: key), value.map { String(cString: $0) } ?? "")
                return .YES
            }, pointer)
    }
    return headers
}

/// Converts a response for libmicrohttpd and queues it on the connection.
func queue(_ response: HTTPResponse, connection: OpaquePointer, state: RequestState, context: ServerContext)
    -> MHD_Result
{
    var response = response
    if !(200...599).contains(response.status) {
        context.log(
            .error, "handler for \(state.method) \(state.route ?? "?") returned invalid status \(response.status)")
        response = .error(status: 500, message: "internal server error")
    }

    var stream: EventStream?
    let mhdResponse: OpaquePointer?
    switch response.body {
    case .bytes(let bytes):
        mhdResponse = bytes.withUnsafeBytes { buffer in
            MHD_create_response_from_buffer(
                buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                .RESPMEM_MUST_COPY)
        }
    case .eventStream:
        let newStream = EventStream(
            lastEventID: MHD_lookup_connection_value(connection, .HEADER_KIND, "Last-Event-ID").map {
                String(cString: $0)
            }, maxBufferBytes: context.configuration.maxEventStreamBufferBytes, log: context.log)
        newStream.attach(to: connection)
        mhdResponse = MHD_create_response_from_callback(
            UInt64.max, 4096, eventStreamReaderCallback, Unmanaged.passRetained(newStream).toOpaque(),
            eventStreamFreeCallback)
        stream = newStream
    }
    guard let mhdResponse else {
        context.log(.error, "libmicrohttpd failed to create a response for \(state.method) \(state.rawTarget)")
        return .NO
    }
    defer { MHD_destroy_response(mhdResponse) }

    for (name, value) in response.headers where MHD_add_response_header(mhdResponse, name, value) != .YES {
        context.log(.warning, "dropped invalid response header '\(name)' for \(state.method) \(state.rawTarget)")
    }

    state.status = response.status
    state.isEventStream = stream != nil
    if let stream {
        context.register(stream)
        stream.sendComment("stream opened")
    }
    let result = MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    if let stream, result == .YES, case .eventStream(let open) = response.body {
        open(stream)
    }
    return result
}
