/// One IDS record in a form common to Suricata, Snort and Zeek, before it becomes table rows.
///
/// Addresses are canonical text. `src` and `dest` are the packet's, as the sensor logged it.
/// `flowSource` is the side that opened the connection, so for an alert on a reply packet it is
/// the packet's destination.
public struct IDSEvent: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// An alert or a drop: a rule matched.
        case alert
        /// A flow or connection summary.
        case flow
        /// Any other record (dns, http, tls, ...); it still shows that the two hosts talked.
        case other
    }

    public var kind: Kind
    /// The sensor's own name for the record type, such as `alert`, `dns` or `conn`.
    public var eventType: String
    public var sensor = ""
    public var flowID = ""
    public var time: Timestamp?
    public var srcIP: String?
    public var srcPort: Int64?
    public var destIP: String?
    public var destPort: Int64?
    public var proto = ""
    public var appProto = ""
    public var vlan = ""

    public var signatureID: Int64?
    public var gid: Int64?
    public var rev: Int64?
    public var signature = ""
    public var category = ""
    public var severity: Int64?
    public var action = ""
    public var direction = ""
    public var flowSource: Endpoint?
    public var flowDestination: Endpoint?

    public var state = ""
    public var packetsToServer: Int64?
    public var packetsToClient: Int64?
    public var bytesToServer: Int64?
    public var bytesToClient: Int64?

    public struct Endpoint: Hashable, Sendable {
        public var ip: String
        public var port: Int64?

        public init(ip: String, port: Int64?) {
            self.ip = ip
            self.port = port
        }
    }

    public init(kind: Kind, eventType: String) {
        self.kind = kind
        self.eventType = eventType
    }

    /// Fills in the flow's endpoints from the packet's when only the direction shows which is which.
    mutating func inferFlowEndpoints() {
        guard flowSource == nil, let srcIP, let destIP else { return }
        let packetSource = Endpoint(ip: srcIP, port: srcPort)
        let packetDestination = Endpoint(ip: destIP, port: destPort)
        switch direction {
        case "to_server", "C2S":
            flowSource = packetSource
            flowDestination = packetDestination
        case "to_client", "S2C":
            flowSource = packetDestination
            flowDestination = packetSource
        default:
            break
        }
    }
}

/// A translator's output for one input line.
public struct LineResult: Sendable {
    public var events: [IDSEvent] = []
    /// The reason a valid line gave no event (`stats`, `header`, `blank`).
    public var skipReason: String?
    /// The reason the line was rejected, or nil when it was read.
    public var rejectReason: String?
    /// Problems that cost one field but not the line, such as invalid UTF-8 in `http.url`.
    public var warnings: [String] = []

    public init() {}

    public static func rejected(_ reason: String) -> LineResult {
        var result = LineResult()
        result.rejectReason = reason
        return result
    }

    public static func skipped(_ reason: String) -> LineResult {
        var result = LineResult()
        result.skipReason = reason
        return result
    }

    public static func event(_ event: IDSEvent, warnings: [String] = []) -> LineResult {
        var result = LineResult()
        result.events = [event]
        result.warnings = warnings
        return result
    }
}

/// A translator of one IDS output format, fed a line at a time. Some formats carry state across
/// lines (Zeek's TSV header), so translators are values that change as they read.
public protocol IDSLineTranslator {
    /// Translates one line without its line terminator.
    mutating func translate(line: ArraySlice<UInt8>) -> LineResult
}
