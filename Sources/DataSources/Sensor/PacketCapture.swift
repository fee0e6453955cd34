import CPcap

/// A failure to open or read a packet capture, with the file or interface and libpcap's message.
public enum SensorError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotOpenFile(path: String, message: String)
    case cannotOpenInterface(name: String, message: String)
    case unsupportedLinkType(source: String, linkType: Int32, name: String)
    case readFailed(source: String, message: String)
    case socketFailed(path: String, message: String)
    case pushFailed(url: String, message: String)

    public var description: String {
        switch self {
        case .cannotOpenFile(let path, let message):
            return "cannot open capture file \(path): \(message); give a pcap or pcapng file"
        case .cannotOpenInterface(let name, let message):
            return "cannot open interface \(name): \(message); check the name with `ip link` and run as root"
        case .unsupportedLinkType(let source, let linkType, let name):
            return "\(source) has link type \(linkType) (\(name)), which the sensor does not decode; "
                + "capture on Ethernet, Linux cooked, loopback or raw IP links"
        case .readFailed(let source, let message):
            return "reading \(source) failed: \(message)"
        case .socketFailed(let path, let message):
            return "writing EVE lines to unix socket \(path) failed: \(message); start the listener first"
        case .pushFailed(let url, let message):
            return "posting EVE lines to \(url) failed: \(message); check the server URL, that the data source "
                + "uses the ids driver, and the token"
        }
    }
}

/// One libpcap capture handle, on a pcap or pcapng file or on a live interface.
///
/// Packets are handed out as views of libpcap's own buffer, valid only during the callback, so
/// reading a packet copies nothing.
public final class PacketCapture {
    private let handle: OpaquePointer
    /// The file path or interface name, for messages.
    public let source: String
    /// The link-layer header type (`DLT_*`).
    public let linkType: Int32
    public let isLive: Bool

    private init(handle: OpaquePointer, source: String, isLive: Bool) throws(SensorError) {
        self.handle = handle
        self.source = source
        self.isLive = isLive
        self.linkType = pcap_datalink(handle)
        guard LinkType.isSupported(linkType) else {
            let name = pcap_datalink_val_to_name(linkType).map { String(cString: $0) } ?? "unknown"
            pcap_close(handle)
            throw .unsupportedLinkType(source: source, linkType: linkType, name: name)
        }
    }

    deinit {
        pcap_close(handle)
    }

    /// Opens a pcap or pcapng file; timestamps are read with microsecond precision.
    public static func open(file path: String) throws(SensorError) -> PacketCapture {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        let opened = pcap_open_offline_with_tstamp_precision(
            path, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errorBuffer)
        guard let opened else {
            throw .cannotOpenFile(path: path, message: text(of: errorBuffer))
        }
        return try PacketCapture(handle: opened, source: path, isLive: false)
    }

    /// Opens a live capture on interface `name`, without promiscuous mode, in libpcap's immediate
    /// mode: each packet is handed over as it arrives instead of when a kernel buffer block fills
    /// or times out, so an alert leaves the sensor within milliseconds of its packet.
    /// `timeoutMilliseconds` bounds how long a read waits on a quiet link, so a caller can stop.
    public static func open(
        interface name: String, snapshotLength: Int32 = 262_144, timeoutMilliseconds: Int32 = 200
    ) throws(SensorError) -> PacketCapture {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let created = pcap_create(name, &errorBuffer) else {
            throw .cannotOpenInterface(name: name, message: text(of: errorBuffer))
        }
        pcap_set_snaplen(created, snapshotLength)
        pcap_set_promisc(created, 0)
        pcap_set_timeout(created, timeoutMilliseconds)
        pcap_set_immediate_mode(created, 1)
        let status = pcap_activate(created)
        if status < 0 {
            let message = String(cString: pcap_geterr(created))
            pcap_close(created)
            throw .cannotOpenInterface(name: name, message: message.isEmpty ? "libpcap status \(status)" : message)
        }
        return try PacketCapture(handle: created, source: name, isLive: true)
    }

    /// Makes a running `forEachPacket` return after the packet in hand. libpcap allows the call
    /// from another thread or a signal handler.
    public func breakLoop() {
        pcap_breakloop(handle)
    }

    /// Calls `body` with each packet's time, original length and captured bytes until the file
    /// ends, `body` returns false, or `maximumPackets` were read. Live captures run until then.
    public func forEachPacket(
        maximumPackets: Int = .max,
        _ body: (_ time: Timestamp, _ originalLength: Int, _ bytes: UnsafeRawBufferPointer) -> Bool
    ) throws(SensorError) {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var count = 0
        while count < maximumPackets {
            let status = pcap_next_ex(handle, &header, &data)
            switch status {
            case 1:
                guard let header, let data else { continue }
                count += 1
                let info = header.pointee
                let time = Timestamp(seconds: Int64(info.ts.tv_sec), microseconds: Int64(info.ts.tv_usec))
                let bytes = UnsafeRawBufferPointer(start: data, count: Int(info.caplen))
                if !body(time, Int(info.len), bytes) { return }
            case 0:
                continue
            case PCAP_ERROR_BREAK:
                return
            default:
                throw .readFailed(source: source, message: String(cString: pcap_geterr(handle)))
            }
        }
    }
}

/// Returns the NUL-terminated text in libpcap's error buffer.
private func text(of buffer: [CChar]) -> String {
    let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
