import Foundation

/// The small python3 programs that make and count the traffic of the real-traffic test. Each
/// rewrites a JSON file with its counters (by `os.replace`, so a reader never sees half a file)
/// after every event and at least every 50 ms.
enum TrafficPrograms {
    static let udpPort = 5001
    static let tcpPort = 5002

    /// The receiver on the bad host: counts UDP datagrams and bytes on `udpPort`, and TCP
    /// connections and bytes per connection on `tcpPort`. Arguments: the counters file.
    static let receiver = """
        import json, os, select, socket, sys
        path = sys.argv[1]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("0.0.0.0", \(udpPort)))
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("0.0.0.0", \(tcpPort)))
        listener.listen(8)
        counts = {"udp_datagrams": 0, "udp_bytes": 0, "tcp_bytes": []}
        sessions = {}
        def save():
            with open(path + ".tmp", "w") as f:
                json.dump(counts, f)
            os.replace(path + ".tmp", path)
        save()
        while True:
            ready, _, _ = select.select([udp, listener] + list(sessions), [], [], 0.05)
            for s in ready:
                if s is udp:
                    data = udp.recv(65535)
                    counts["udp_datagrams"] += 1
                    counts["udp_bytes"] += len(data)
                elif s is listener:
                    connection, _ = listener.accept()
                    sessions[connection] = len(counts["tcp_bytes"])
                    counts["tcp_bytes"].append(0)
                else:
                    try:
                        data = s.recv(65536)
                    except OSError:
                        data = b""
                    if data:
                        counts["tcp_bytes"][sessions[s]] += len(data)
                    else:
                        del sessions[s]
                        s.close()
            save()
        """

    /// The sender in the VM. Every 20 ms it sends one 100-byte UDP datagram and, while a TCP
    /// session is up, 100 bytes on it, and it reconnects when the session fails. A
    /// TCP_USER_TIMEOUT of 1 s makes the kernel abort a session whose data goes unacknowledged
    /// for a second. A cut session therefore ends with an error instead of retransmitting until
    /// a release lets it through again. The sender records the wall-clock time just before its
    /// first packet. Arguments: the target address and the counters file.
    static let sender = """
        import json, os, socket, sys, time
        target, path = sys.argv[1], sys.argv[2]
        user_timeout = getattr(socket, "TCP_USER_TIMEOUT", 18)
        state = {"first_send": None, "udp_sent": 0, "tcp_sessions": 0, "tcp_sent": 0,
                 "tcp_failures": 0, "connect_failures": 0, "last_error": ""}
        payload = b"x" * 100
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        session = None
        def save():
            with open(path + ".tmp", "w") as f:
                json.dump(state, f)
            os.replace(path + ".tmp", path)
        while True:
            if state["first_send"] is None:
                state["first_send"] = time.time()
            udp.sendto(payload, (target, \(udpPort)))
            state["udp_sent"] += 1
            if session is None:
                try:
                    s = socket.create_connection((target, \(tcpPort)), timeout=0.3)
                    s.setsockopt(socket.IPPROTO_TCP, user_timeout, 1000)
                    s.setblocking(False)
                    session = s
                    state["tcp_sessions"] += 1
                except OSError as error:
                    state["connect_failures"] += 1
                    state["last_error"] = str(error)
            if session is not None:
                try:
                    state["tcp_sent"] += session.send(payload)
                except BlockingIOError:
                    pass
                except OSError as error:
                    session.close()
                    session = None
                    state["tcp_failures"] += 1
                    state["last_error"] = str(error)
            save()
            time.sleep(0.02)
        """

    /// The receiver's counters.
    struct Received: Decodable, Equatable {
        var udpDatagrams: Int
        var udpBytes: Int
        /// Bytes received on each TCP connection, in the order they were accepted.
        var tcpBytes: [Int]

        enum CodingKeys: String, CodingKey {
            case udpDatagrams = "udp_datagrams"
            case udpBytes = "udp_bytes"
            case tcpBytes = "tcp_bytes"
        }
    }

    /// The sender's counters.
    struct Sent: Decodable {
        /// Seconds since 1970 just before the first packet left the VM.
        var firstSend: Double?
        var udpSent: Int
        var tcpSessions: Int
        var tcpSent: Int
        /// Sessions that ended with an error after they were established.
        var tcpFailures: Int
        var connectFailures: Int
        var lastError: String

        enum CodingKeys: String, CodingKey {
            case firstSend = "first_send"
            case udpSent = "udp_sent"
            case tcpSessions = "tcp_sessions"
            case tcpSent = "tcp_sent"
            case tcpFailures = "tcp_failures"
            case connectFailures = "connect_failures"
            case lastError = "last_error"
        }
    }

    /// Reads a counters file; nil while the program has not written it yet.
    static func read<Counters: Decodable>(_ type: Counters.Type, from file: URL) -> Counters? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }
}
