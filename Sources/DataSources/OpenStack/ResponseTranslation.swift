import Datalog
import Foundation
import OpenStack

/// Translates recorded API responses into facts, for `agora translate` and for tests.
public enum ResponseTranslation {
    public struct Result: Sendable {
        /// One fact a line, `service:table("a", 1, ...)`, in table order then object order.
        public var facts: [String]
        /// Parts of the input that gave no rows, one line each, for stderr.
        public var notes: [String]
    }

    public enum Failure: Error, CustomStringConvertible {
        case unknownDriver(String)
        case unreadable(path: String, reason: String)
        case invalidJSON(path: String, reason: String)

        public var description: String {
            switch self {
            case .unknownDriver(let name):
                return "unknown driver \(name); use nova or neutron"
            case .unreadable(let path, let reason):
                return "cannot read \(path): \(reason)"
            case .invalidJSON(let path, let reason):
                return "\(path) is not a JSON response body: \(reason)"
            }
        }
    }

    /// Returns the service name and translators of a driver (`nova`, `neutron` or `neutronv2`).
    public static func translators(driver: String) throws -> (service: String, resources: [ResourceTranslator]) {
        switch driver {
        case "nova": return (NovaTables.service, NovaTables.resources)
        case "neutron", "neutronv2": return (NeutronTables.service, NeutronTables.resources)
        default: throw Failure.unknownDriver(driver)
        }
    }

    /// Reads a response body from `path` and translates it. An HTTP transcript (request or
    /// status line, headers, blank line, body) is accepted; without a body it gives no facts.
    public static func translateFile(driver: String, path: String) throws -> Result {
        let (service, resources) = try translators(driver: driver)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure.unreadable(path: path, reason: "\(error)")
        }

        guard let body = jsonBody(of: text) else {
            return Result(facts: [], notes: ["\(path): no JSON body (an HTTP transcript without one); 0 rows"])
        }
        let document: JSON
        do {
            document = try JSON.parse(Data(body.utf8), source: path)
        } catch {
            throw Failure.invalidJSON(path: path, reason: "\(error)")
        }
        return translate(document, service: service, resources: resources, source: path)
    }

    public static func translate(_ document: JSON, service: String, resources: [ResourceTranslator], source: String)
        -> Result
    {
        var result = Result(facts: [], notes: [])
        guard let members = document.objectValue else {
            result.notes.append("\(source): the body is not a JSON object; 0 rows")
            return result
        }

        for key in members.keys.sorted() {
            guard let resource = resources.first(where: { $0.collectionKey == key || $0.objectKey == key }) else {
                if !key.hasSuffix("_links") {
                    result.notes.append("\(source): key \"\(key)\" has no \(service) table; skipped")
                }
                continue
            }
            let objects = resource.objects(inResponse: .object([key: members[key]!])) ?? []
            for table in resource.tables {
                for object in objects {
                    for row in table.rows(object) {
                        result.facts.append(fact(service: service, table: table.schema.name, row: row))
                    }
                }
            }
        }
        return result
    }

    public static func fact(service: String, table: String, row: Row) -> String {
        "\(service):\(table)(" + row.map(\.description).joined(separator: ", ") + ")"
    }

    /// Returns the JSON part of a file: the whole text, or what follows the blank line of a transcript.
    private static func jsonBody(of text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return trimmed }
        for separator in ["\r\n\r\n", "\n\n"] {
            if let range = trimmed.range(of: separator) {
                let body = trimmed[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
                return body.isEmpty ? nil : body
            }
        }
        let firstWord = trimmed.prefix { !$0.isWhitespace }
        let transcriptStarts = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "HTTP/1.1", "status:"]
        return transcriptStarts.contains(String(firstWord)) ? nil : trimmed
    }
}
