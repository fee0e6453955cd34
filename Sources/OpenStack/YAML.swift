import CYAML
import Foundation

/// Reads YAML documents with libyaml into `JSON` values, which is all clouds.yaml needs.
///
/// Plain scalars resolve the way YAML 1.1 core schemas do for the common cases (`true`/`false`,
/// `yes`/`no`, `null`/`~`, decimal integers); quoted scalars stay strings. Anchors and aliases
/// are resolved by libyaml's document loader; merge keys (`<<`) are not supported.
public enum YAML {
    /// Parses the first document of `text`. Throws `OpenStackError.invalidConfiguration`
    /// naming `source` and libyaml's message with its line and column.
    public static func parse(_ text: String, source: String) throws -> JSON {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else {
            throw OpenStackError.invalidConfiguration(key: source, value: "", fix: "libyaml could not start a parser")
        }
        defer { yaml_parser_delete(&parser) }

        let bytes = Array(text.utf8)
        var document = yaml_document_t()
        let loaded = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return yaml_parser_load(&parser, &document)
        }
        guard loaded != 0 else {
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
            let mark = parser.problem_mark
            throw OpenStackError.invalidConfiguration(
                key: source, value: "line \(mark.line + 1) column \(mark.column + 1)",
                fix: "fix the YAML syntax (\(problem))")
        }
        defer { yaml_document_delete(&document) }

        guard let root = yaml_document_get_root_node(&document) else { return .null }
        return convert(root, in: &document, depth: 0)
    }

    private static func convert(
        _ node: UnsafeMutablePointer<yaml_node_t>, in document: inout yaml_document_t, depth: Int
    )
        -> JSON
    {
        // A cycle made of aliases would recurse without end; clouds.yaml never nests this deep.
        guard depth < 64 else { return .null }

        switch node.pointee.type {
        case YAML_SCALAR_NODE:
            let scalar = node.pointee.data.scalar
            let text = String(
                decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            return scalar.style == YAML_PLAIN_SCALAR_STYLE ? resolvePlain(text) : .string(text)

        case YAML_SEQUENCE_NODE:
            var items: [JSON] = []
            var item = node.pointee.data.sequence.items.start
            while let current = item, current != node.pointee.data.sequence.items.top {
                if let child = yaml_document_get_node(&document, current.pointee) {
                    items.append(convert(child, in: &document, depth: depth + 1))
                }
                item = current + 1
            }
            return .array(items)

        case YAML_MAPPING_NODE:
            var members: [String: JSON] = [:]
            var pair = node.pointee.data.mapping.pairs.start
            while let current = pair, current != node.pointee.data.mapping.pairs.top {
                if let keyNode = yaml_document_get_node(&document, current.pointee.key),
                    let valueNode = yaml_document_get_node(&document, current.pointee.value)
                {
                    let key = convert(keyNode, in: &document, depth: depth + 1)
                    let keyText = key.stringValue ?? key.text
                    members[keyText] = convert(valueNode, in: &document, depth: depth + 1)
                }
                pair = current + 1
            }
            return .object(members)

        default:
            return .null
        }
    }

    private static func resolvePlain(_ text: String) -> JSON {
        switch text {
        case "", "~", "null", "Null", "NULL":
            return .null
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
            return .bool(true)
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
            return .bool(false)
        default:
            if let number = Int64(text) { return .int(number) }
            return .string(text)
        }
    }
}
