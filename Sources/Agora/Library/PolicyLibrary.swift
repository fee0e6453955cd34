import Foundation
import OpenStack

/// A policy template in Congress's library format: a name, a description, a kind and rules
/// with their names and comments. It does nothing until an operator creates a policy from it.
public struct LibraryPolicy: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var rule: String
        public var name: String
        public var comment: String

        public init(rule: String, name: String = "", comment: String = "") {
            self.rule = rule
            self.name = name
            self.comment = comment
        }
    }

    public var id: String
    public var name: String
    public var abbreviation: String
    public var description: String
    public var kind: String
    public var rules: [Rule]

    public init(
        id: String = UUID().uuidString.lowercased(), name: String, abbreviation: String? = nil,
        description: String = "", kind: String = "nonrecursive", rules: [Rule]
    ) {
        self.id = id
        self.name = name
        self.abbreviation = abbreviation ?? String(name.prefix(5))
        self.description = description
        self.kind = kind
        self.rules = rules
    }

    /// Reads a library document (YAML or JSON) with `name`, `description`, `kind`, `abbreviation`
    /// and `rules: [{rule, name, comment}]`.
    public init(document: JSON, source: String) throws(LibraryError) {
        guard let name = document["name"]?.stringValue, !name.isEmpty else {
            throw .invalid(source: source, reason: "the document has no name")
        }
        guard let rules = document["rules"]?.arrayValue else {
            throw .invalid(source: source, reason: "the document has no rules list")
        }
        var parsed: [Rule] = []
        for (index, item) in rules.enumerated() {
            guard let text = item["rule"]?.stringValue else {
                throw .invalid(source: source, reason: "rule \(index + 1) has no rule text")
            }
            parsed.append(
                Rule(rule: text, name: item["name"]?.stringValue ?? "", comment: item["comment"]?.stringValue ?? ""))
        }
        self.init(
            name: name, abbreviation: document["abbreviation"]?.stringValue,
            description: document["description"]?.stringValue ?? "",
            kind: document["kind"]?.stringValue ?? "nonrecursive",
            rules: parsed)
    }

    /// The library policies that ship with Agora.
    public static func bundled() throws(LibraryError) -> [LibraryPolicy] {
        guard let directory = Bundle.module.url(forResource: "library", withExtension: nil) else {
            throw .invalid(source: "library", reason: "the bundled library is missing from the build")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var result: [LibraryPolicy] = []
        for file in files.sorted() where file.hasSuffix(".yaml") {
            let path = directory.appendingPathComponent(file).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .invalid(source: path, reason: "cannot read the file")
            }
            let document: JSON
            do {
                document = try YAML.parse(text, source: path)
            } catch {
                throw .invalid(source: path, reason: "\(error)")
            }
            result.append(try LibraryPolicy(document: document, source: path))
        }
        return result
    }

    public var json: JSON {
        .object([
            "id": .string(id), "name": .string(name), "abbreviation": .string(abbreviation),
            "description": .string(description), "kind": .string(kind),
            "rules": .array(
                rules.map {
                    .object(["rule": .string($0.rule), "name": .string($0.name), "comment": .string($0.comment)])
                }
            ),
        ])
    }
}

public enum LibraryError: Error, Equatable, CustomStringConvertible {
    case invalid(source: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let source, let reason): return "library policy \(source): \(reason)"
        }
    }
}
