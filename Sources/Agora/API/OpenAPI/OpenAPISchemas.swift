import OpenStack

/// The JSON schemas of the API's bodies, by name, for the OpenAPI document.
enum OpenAPISchemas {
    static let string: JSON = ["type": "string"]
    static let nullableString: JSON = ["type": "string", "nullable": true]
    static let integer: JSON = ["type": "integer"]
    static let boolean: JSON = ["type": "boolean"]
    static let anyValue: JSON = [:]

    static func object(_ properties: [String: JSON], required: [String] = []) -> JSON {
        var schema: [String: JSON] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        return .object(schema)
    }

    static func array(_ items: JSON) -> JSON { ["type": "array", "items": items] }
    static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/\(name)")] }
    static func results(_ item: String) -> JSON { object(["results": array(ref(item))], required: ["results"]) }

    static let all: [String: JSON] = [
        "Error": object(
            [
                "error": object(
                    ["message": string, "error_code": integer, "error_data": anyValue],
                    required: ["message", "error_code"])
            ],
            required: ["error"]),
        "Versions": object(["versions": array(ref("VersionItem"))]),
        "Version": object(["version": ref("VersionItem")]),
        "VersionItem": object(["id": string, "status": string, "updated": string, "links": array(anyValue)]),
        "Policy": object(
            [
                "id": string, "name": string, "abbreviation": string, "description": string, "owner_id": string,
                "kind": ["type": "string", "enum": ["nonrecursive", "materialized", "action", "database"]],
                "mode": ["type": "string", "enum": ["monitor", "dry-run", "approve", "enforce"]],
                "rules": array(ref("NewRule")),
            ], required: ["id", "name", "kind"]),
        "PolicyList": results("Policy"),
        "NewPolicy": object(
            [
                "name": string, "abbreviation": nullableString, "description": nullableString, "kind": nullableString,
                "mode": nullableString, "rules": array(ref("NewRule")),
            ], required: ["name"]),
        "Mode": object(
            ["mode": ["type": "string", "enum": ["monitor", "dry-run", "approve", "enforce"]]], required: ["mode"]),
        "NameAndID": object(["name": string, "id": string]),
        "Simulate": object(
            ["query": string, "sequence": string, "action_policy": string],
            required: ["query", "sequence", "action_policy"]),
        "SimulateResult": object(["result": array(string), "trace": string]),
        "Proof": object(
            [
                "literal": string, "table": string, "values": array(string), "negated": boolean,
                "basis": ["type": "string", "enum": ["fact", "rule", "builtin", "absence", "truth", "truncated"]],
                "rule": nullableString, "children": array(ref("Proof")),
            ]),
        "Explanations": object(["results": array(object(["answer": string, "proof": ref("Proof")]))]),
        "NewRule": object(["rule": string, "name": nullableString, "comment": nullableString], required: ["rule"]),
        "Rule": object(["id": string, "rule": string, "name": string, "comment": string]),
        "RuleList": results("Rule"),
        "RuleStatus": object(["id": string, "name": string, "comment": string, "original_str": string]),
        "ID": object(["id": string]),
        "IDList": results("ID"),
        "RowList": object(["results": array(object(["data": array(anyValue)])), "trace": string]),
        "Rows": array(array(anyValue)),
        "Lines": ["type": "string", "description": "IDS records, one a line"],
        "ReadCount": object(["read": integer]),
        "NewDataSource": object(
            [
                "name": string, "driver": string, "description": nullableString, "enabled": boolean,
                "config": ["type": "object"],
            ],
            required: ["name", "driver"]),
        "DataSource": object(
            [
                "id": string, "name": string, "driver": string, "description": string, "type": nullableString,
                "enabled": boolean, "config": ["type": "object"],
            ]),
        "DataSourceList": results("DataSource"),
        "DataSourceStatus": object(
            [
                "last_updated": string, "last_error": string, "number_of_updates": string, "initialized": string,
                "records_read": integer, "records_rejected": integer, "rate_per_second": ["type": "number"],
                "tables": ["type": "object", "description": "rows per table, by service:table"],
            ]),
        "Rates": object(["interval_seconds": integer, "points": array(object(["at": string, "records": integer]))]),
        "Rejections": object(
            ["results": array(object(["source": string, "line": integer, "reason": string, "excerpt": string]))]),
        "Schema": object(["tables": array(ref("TableSpec"))]),
        "TableSpec": object(["table_id": string, "columns": array(object(["name": string, "description": string]))]),
        "Driver": object(
            [
                "id": string, "description": string, "config": ["type": "object"], "secret": array(string),
                "tables": array(ref("TableSpec")),
            ]),
        "DriverList": object(["results": array(object(["id": string, "description": string]))]),
        "LibraryPolicy": object(
            [
                "id": string, "name": string, "abbreviation": string, "description": string, "kind": string,
                "rules": array(ref("NewRule")),
            ], required: ["name", "rules"]),
        "LibraryList": results("LibraryPolicy"),
        "Incident": object(
            [
                "id": string, "policy": string, "vm_id": string, "vm_name": string, "project_id": string,
                "source_ip": string, "external_ips": array(string),
                "state": ["type": "string", "enum": ["open", "contained", "released", "resolved"]],
                "first_seen": string, "last_seen": string, "error_rows": integer,
                "evidence": array(object(["table": string, "row": string, "at": string])), "evidence_count": integer,
                "proof": ref("Proof"), "attribution_warning": nullableString,
                "notes": array(object(["at": string, "author": string, "text": string])),
                "actions": array(ref("Action")),
            ]),
        "IncidentList": object(
            ["results": array(ref("Incident")), "next_marker": nullableString], required: ["results"]),
        "Note": object(["note": string]),
        "NoteText": object(["text": string], required: ["text"]),
        "Action": object(
            [
                "id": integer, "key": string, "policy": string, "action": string, "arguments": string,
                "response": nullableString,
                "target": object(["vm_id": nullableString, "address": nullableString, "project_id": nullableString]),
                "state": string, "reason_code": string, "reason": string, "incident_id": nullableString,
                "requested_at": string, "decided_at": nullableString, "decided_by": nullableString,
                "executed_at": nullableString, "backend": nullableString, "result": string,
                "changes": array(
                    object(["kind": string, "resource": string, "before": string, "after": string, "method": string])),
                "verified_at": nullableString, "released_at": nullableString, "released_by": nullableString,
                "evidence": array(string),
                "events": array(object(["at": string, "kind": string, "actor": string, "detail": string])),
            ]),
        "ActionList": results("Action"),
        "ActionRequest": object(["override": boolean, "reason": string]),
        "Identity": object([
            "user": string, "project_id": nullableString, "roles": array(string), "projects": array(string),
        ]),
        "Token": object(
            [
                "id": string, "name": string, "role": ["type": "string", "enum": ["admin", "operator", "viewer"]],
                "project_id": nullableString, "created_at": string, "last_used_at": nullableString, "revoked": boolean,
            ], required: ["id", "name", "role"]),
        "TokenList": results("Token"),
        "NewToken": object(
            [
                "name": string, "role": ["type": "string", "enum": ["admin", "operator", "viewer"]],
                "project_id": nullableString,
            ], required: ["name"]),
        "IssuedToken": object(
            [
                "id": string, "name": string, "role": string, "project_id": nullableString, "created_at": string,
                "token": ["type": "string", "description": "the key's plaintext; the service does not keep it"],
            ], required: ["id", "token"]),
        "EventStream": [
            "type": "string", "description": "text/event-stream: id, event (the kind) and data (JSON) per event",
        ],
        "OpenAPI": ["type": "object"],
        "Health": object(["status": string, "store": string, "datasources": ["type": "object"]]),
        "Metrics": ["type": "string", "description": "Prometheus text format"],
    ]
}
