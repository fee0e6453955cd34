import CMicroHTTPD
import Foundation

extension HTTPServer {
    /// The flags that every daemon gets: worker threads with epoll or poll, and suspend and resume for streams.
    private static var baseFlags: UInt32 {
        MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_AUTO.rawValue | MHD_USE_ITC.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ERROR_LOG.rawValue
    }

    /// Reads the TLS files, binds the socket and starts the daemon.
    func launch() throws(HTTPError) -> Running {
        var tlsMemory: [UnsafeMutablePointer<CChar>] = []
        var flags = Self.baseFlags
        if let tls = configuration.tls {
            guard MHD_is_feature_supported(.FEATURE_TLS) == .YES else {
                throw .tlsUnsupported
            }
            tlsMemory = [try readPEM(tls.certificatePath), try readPEM(tls.privateKeyPath)]
            flags |= MHD_USE_TLS.rawValue
        }
        let releaseTLSMemory = { releasePEM(tlsMemory) }

        let socket: ListenSocket
        do {
            socket = try ListenSocket(host: configuration.host, port: configuration.port)
        } catch {
            releaseTLSMemory()
            throw error
        }
        if socket.isIPv6 {
            flags |= MHD_USE_IPv6.rawValue
        }

        let context = Unmanaged.passRetained(
            ServerContext(
                router: router, configuration: configuration, log: log, accessLog: accessLog,
                latencyObserver: latencyObserver))
        let options = daemonOptions(socket: socket, context: context.toOpaque(), tlsMemory: tlsMemory)
        let daemon = options.withUnsafeBufferPointer { buffer in
            agora_mhd_start_daemon(flags, accessHandlerCallback, context.toOpaque(), buffer.baseAddress)
        }
        guard let daemon else {
            let reason = context.takeUnretainedValue().daemonMessage
            context.release()
            close(socket.descriptor)
            releaseTLSMemory()
            throw .daemonStartFailed(host: configuration.host, port: socket.port, reason: reason)
        }

        context.takeUnretainedValue().startKeepalive()
        log(.info, "started HTTP server on \(formatAddress(host: configuration.host, port: socket.port))")
        return Running(daemon: daemon, context: context, port: socket.port, tlsMemory: tlsMemory)
    }

    private func daemonOptions(
        socket: ListenSocket, context: UnsafeMutableRawPointer, tlsMemory: [UnsafeMutablePointer<CChar>]
    ) -> [MHD_OptionItem] {
        let timeout = configuration.connectionTimeout.components
        let timeoutSeconds = max(1, Int(timeout.seconds) + (timeout.attoseconds > 0 ? 1 : 0))

        // The logger comes first so that libmicrohttpd routes messages about later options through it.
        var options: [MHD_OptionItem] = [
            MHD_OptionItem(
                option: .EXTERNAL_LOGGER, value: unsafeBitCast(daemonLogCallback, to: Int.self),
                ptr_value: context),
            MHD_OptionItem(option: .LISTEN_SOCKET, value: Int(socket.descriptor), ptr_value: nil),
            MHD_OptionItem(option: .CONNECTION_TIMEOUT, value: timeoutSeconds, ptr_value: nil),
            MHD_OptionItem(
                option: .CONNECTION_MEMORY_LIMIT,
                value: configuration.maxHeaderBytes + HTTPServerConfiguration.connectionBufferBytes, ptr_value: nil),
            MHD_OptionItem(option: .THREAD_POOL_SIZE, value: max(1, configuration.threadPoolSize), ptr_value: nil),
            MHD_OptionItem(
                option: .URI_LOG_CALLBACK, value: unsafeBitCast(uriLogCallback, to: Int.self),
                ptr_value: context),
            MHD_OptionItem(
                option: .NOTIFY_COMPLETED, value: unsafeBitCast(requestCompletedCallback, to: Int.self),
                ptr_value: context),
        ]
        if let maxConnections = configuration.maxConnections {
            options.append(MHD_OptionItem(option: .CONNECTION_LIMIT, value: maxConnections, ptr_value: nil))
        }
        if tlsMemory.count == 2 {
            options.append(MHD_OptionItem(option: .HTTPS_MEM_CERT, value: 0, ptr_value: tlsMemory[0]))
            options.append(MHD_OptionItem(option: .HTTPS_MEM_KEY, value: 0, ptr_value: tlsMemory[1]))
        }
        options.append(MHD_OptionItem(option: .END, value: 0, ptr_value: nil))
        return options
    }
}

/// Overwrites and frees PEM copies, so that no private key stays in freed memory.
func releasePEM(_ copies: [UnsafeMutablePointer<CChar>]) {
    for pointer in copies {
        memset(pointer, 0, strlen(pointer))
        free(pointer)
    }
}

/// Reads a PEM file into C memory that libmicrohttpd may keep pointing at while the daemon runs.
private func readPEM(_ path: String) throws(HTTPError) -> UnsafeMutablePointer<CChar> {
    let text: String
    do {
        text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        let reason = FileManager.default.fileExists(atPath: path) ? "not readable as UTF-8 text" : "no such file"
        throw .unreadableTLSFile(path: path, reason: reason)
    }
    guard text.contains("-----BEGIN ") else {
        throw .unreadableTLSFile(path: path, reason: "no PEM block ('-----BEGIN ...') found")
    }
    return strdup(text)
}
