import Foundation
import OpenStack

/// `agora watch`: follows the event stream and prints one line per event until interrupted.
enum WatchCommand {
    static let command = ClientCommand(
        words: ["watch"], synopsis: "[--kind KIND]... [--count N]",
        summary:
            "print one line per event (incidents, actions, data sources) until interrupted; --kind keeps only "
            + "those kinds (such as incident.noted); reconnects after a lost connection and resumes after the last "
            + "event seen; --count stops after N events",
        valued: ["kind", "count"], arguments: 0...0, run: run)

    /// Seconds to wait before the first reconnection; each failure doubles it up to `maxDelay`.
    static let firstDelay: Double = 1
    static let maxDelay: Double = 30

    private static func run(_ invocation: ClientInvocation) async throws {
        let kinds = invocation.options.values["kind"] ?? []
        var remaining: Int? = nil
        if let text = invocation.option("count") {
            guard let count = Int(text), count > 0 else {
                throw ClientError.usage("invalid --count '\(text)'; give a number of events above 0")
            }
            remaining = count
        }
        // An interrupt is the normal way to stop watching, so it exits with status 0.
        signal(SIGINT) { _ in exit(0) }

        var lastEventID: String? = nil
        var connected = false
        var delay = firstDelay
        while true {
            do {
                let stream = EventStreamConnection.open(invocation.client, kinds: kinds, lastEventID: lastEventID)
                for try await item in stream {
                    switch item {
                    case .opened:
                        connected = true
                        delay = firstDelay
                    case .event(let event):
                        if let id = event.id { lastEventID = id }
                        // Written unbuffered, so that a reader of a pipe gets each line as the event happens.
                        let text = invocation.json ? event.data : line(event)
                        FileHandle.standardOutput.write(Data((text + "\n").utf8))
                        if let count = remaining {
                            if count <= 1 { return }
                            remaining = count - 1
                        }
                    }
                }
                warn("the server closed the event stream; reconnecting in \(Int(delay)) s")
            } catch let error as ClientError {
                // A rejection (a bad token, a viewer's scope) will not change by retrying, and a
                // server that never responded is more likely a wrong --url than a restart.
                if case .rejected = error { throw error }
                if !connected { throw error }
                warn("\(error.message); reconnecting in \(Int(delay)) s")
            }
            try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            delay = min(delay * 2, maxDelay)
        }
    }

    private static func warn(_ text: String) {
        FileHandle.standardError.write(Data("agora: \(text)\n".utf8))
    }

    /// `AT  KIND  summary` for one event; the summary names the incident or action it concerns.
    static func line(_ event: ServerSentEvent) -> String {
        guard let json = try? JSON.parse(Data(event.data.utf8), source: "event") else {
            return "\(event.event ?? "message")  \(event.data)"
        }
        let kind = json["kind"]?.stringValue ?? event.event ?? "message"
        let payload = json["payload"] ?? .null
        var parts: [String] = []
        if kind.hasPrefix("incident.") {
            parts = [
                "incident=\(Cell.text(payload["id"]))", "state=\(Cell.text(payload["state"]))",
                "vm=\(Cell.text(payload["vm_name"]))", "vm_id=\(Cell.text(payload["vm_id"]))",
                "policy=\(Cell.text(payload["policy"]))",
            ]
            if kind == "incident.noted", let note = payload["notes"]?.arrayValue?.last {
                parts.append("note=\(Cell.text(note["text"]))")
            }
        } else if kind.hasPrefix("action."), payload["id"] != nil {
            parts = [
                "action=\(Cell.text(payload["id"]))", "state=\(Cell.text(payload["state"]))",
                "response=\(Cell.text(payload["response"]))", "vm_id=\(Cell.text(payload["target"]?["vm_id"]))",
                "incident=\(Cell.text(payload["incident_id"]))",
            ]
        } else if case .object(let members) = payload {
            parts = members.keys.sorted().map { "\($0)=\(Cell.text(members[$0]))" }
        }
        return "\(Cell.text(json["at"]))  \(kind)  \(parts.joined(separator: " "))"
    }
}
