/// Every route of the API with what it takes and answers, from which the OpenAPI document is
/// built. Congress's routes keep Congress's shapes; Agora's additions sit beside them.
enum APIRoutes {
    struct Route {
        var method: String
        var path: String
        var tag: String
        var summary: String
        /// The schema name of the JSON body, if the route takes one.
        var body: String?
        /// The schema name of the success answer, and its status.
        var answer: String?
        var status = 200
        /// Query parameters: name and meaning.
        var query: [(String, String)] = []
    }

    static let all: [Route] =
        versions + policies + rules + tables + dataSources + library + incidents + actions + tokens + other

    static let versions = [
        Route(method: "get", path: "/", tag: "versions", summary: "List the API versions", answer: "Versions"),
        Route(method: "get", path: "/v1", tag: "versions", summary: "Describe version 1", answer: "Version"),
    ]

    static let policies = [
        Route(method: "get", path: "/v1/policies", tag: "policies", summary: "List policies", answer: "PolicyList"),
        Route(
            method: "post", path: "/v1/policies", tag: "policies",
            summary: "Create a policy, optionally with rules, or from a library policy", body: "NewPolicy",
            answer: "Policy", status: 201, query: [("library_policy", "id or name of a library policy to copy")]),
        Route(
            method: "get", path: "/v1/policies/{policy}", tag: "policies", summary: "Show a policy", answer: "Policy"),
        Route(
            method: "delete", path: "/v1/policies/{policy}", tag: "policies", summary: "Delete a policy",
            answer: "Policy"),
        Route(
            method: "post", path: "/v1/policies/{policy}", tag: "policies",
            summary: "Run simulate (?action=simulate) or execute (?action=execute)", body: "Simulate",
            answer: "SimulateResult",
            query: [("action", "simulate or execute"), ("delta", "true for deltas"), ("trace", "true for a trace")]),
        Route(
            method: "get", path: "/v1/policies/{policy}/status", tag: "policies", summary: "Policy status",
            answer: "NameAndID"),
        Route(
            method: "put", path: "/v1/policies/{policy}/mode", tag: "policies",
            summary: "Set how the policy's actions run: monitor, dry-run, approve or enforce", body: "Mode",
            answer: "Policy"),
        Route(
            method: "get", path: "/v1/policies/{policy}/explain", tag: "policies",
            summary: "Proof trees of the rows matching an atom", answer: "Explanations",
            query: [("query", "an atom such as error(x, y, z, t, w)")]),
    ]

    static let rules = [
        Route(
            method: "get", path: "/v1/policies/{policy}/rules", tag: "rules", summary: "List rules", answer: "RuleList"),
        Route(
            method: "post", path: "/v1/policies/{policy}/rules", tag: "rules", summary: "Insert a rule",
            body: "NewRule", answer: "Rule", status: 201),
        Route(
            method: "get", path: "/v1/policies/{policy}/rules/{rule}", tag: "rules", summary: "Show a rule",
            answer: "Rule"),
        Route(
            method: "delete", path: "/v1/policies/{policy}/rules/{rule}", tag: "rules", summary: "Delete a rule",
            answer: "Rule"),
        Route(
            method: "get", path: "/v1/policies/{policy}/rules/{rule}/status", tag: "rules", summary: "Rule status",
            answer: "RuleStatus"),
    ]

    static let tables = [
        Route(
            method: "get", path: "/v1/policies/{policy}/tables", tag: "tables", summary: "List tables", answer: "IDList"
        ),
        Route(
            method: "get", path: "/v1/policies/{policy}/tables/{table}", tag: "tables", summary: "Show a table",
            answer: "ID"),
        Route(
            method: "get", path: "/v1/policies/{policy}/tables/{table}/rows", tag: "tables", summary: "List rows",
            answer: "RowList", query: [("trace", "true for a trace")]),
    ]

    static let dataSources = [
        Route(
            method: "get", path: "/v1/data-sources", tag: "data-sources", summary: "List data sources",
            answer: "DataSourceList"),
        Route(
            method: "post", path: "/v1/data-sources", tag: "data-sources", summary: "Create a data source",
            body: "NewDataSource", answer: "DataSource", status: 201),
        Route(
            method: "get", path: "/v1/data-sources/{ds}", tag: "data-sources", summary: "Show a data source",
            answer: "DataSource"),
        Route(method: "delete", path: "/v1/data-sources/{ds}", tag: "data-sources", summary: "Delete a data source"),
        Route(
            method: "post", path: "/v1/data-sources/{ds}", tag: "data-sources",
            summary: "Ask a polling source to read now",
            query: [("action", "request-refresh")]),
        Route(
            method: "get", path: "/v1/data-sources/{ds}/status", tag: "data-sources",
            summary: "Status and ingest counters", answer: "DataSourceStatus"),
        Route(
            method: "get", path: "/v1/data-sources/{ds}/rates", tag: "data-sources",
            summary: "Records per minute over the last hour", answer: "Rates"),
        Route(
            method: "get", path: "/v1/data-sources/{ds}/actions", tag: "data-sources",
            summary: "Actions the source's service offers", answer: "ActionList"),
        Route(
            method: "get", path: "/v1/data-sources/{ds}/schema", tag: "data-sources", summary: "Tables and columns",
            answer: "Schema"),
        Route(
            method: "get", path: "/v1/data-sources/{ds}/tables", tag: "data-sources", summary: "List tables",
            answer: "IDList"),
        Route(
            method: "get", path: "/v1/data-sources/{ds}/tables/{table}", tag: "data-sources", summary: "Show a table",
            answer: "ID"),
        Route(
            method: "get", path: "/v1/data-sources/{ds}/tables/{table}/spec", tag: "data-sources",
            summary: "A table's columns", answer: "TableSpec"),
        Route(
            method: "get", path: "/v1/data-sources/{ds}/tables/{table}/rows", tag: "data-sources", summary: "List rows",
            answer: "RowList"),
        Route(
            method: "put", path: "/v1/data-sources/{ds}/tables/{table}/rows", tag: "data-sources",
            summary: "Replace a push table's rows", body: "Rows"),
        Route(
            method: "post", path: "/v1/data-sources/{ds}/events", tag: "data-sources",
            summary: "Push IDS records, one a line (EVE JSON, Snort, Zeek)", body: "Lines", answer: "ReadCount"),
        Route(method: "get", path: "/v1/system/drivers", tag: "drivers", summary: "List drivers", answer: "DriverList"),
        Route(
            method: "get", path: "/v1/system/drivers/{driver}", tag: "drivers", summary: "Show a driver",
            answer: "Driver"),
    ]

    static let library = [
        Route(
            method: "get", path: "/v1/librarypolicies", tag: "library", summary: "List library policies",
            answer: "LibraryList", query: [("name", "only this name"), ("include_rules", "false to leave rules out")]),
        Route(
            method: "post", path: "/v1/librarypolicies", tag: "library", summary: "Add a library policy",
            body: "LibraryPolicy", answer: "LibraryPolicy", status: 201),
        Route(
            method: "get", path: "/v1/librarypolicies/{id}", tag: "library", summary: "Show a library policy",
            answer: "LibraryPolicy"),
        Route(
            method: "put", path: "/v1/librarypolicies/{id}", tag: "library", summary: "Replace a library policy",
            body: "LibraryPolicy", answer: "LibraryPolicy"),
        Route(
            method: "delete", path: "/v1/librarypolicies/{id}", tag: "library", summary: "Delete a library policy",
            answer: "LibraryPolicy"),
    ]

    static let incidents = [
        Route(
            method: "get", path: "/v1/incidents", tag: "incidents", summary: "List incidents, newest first",
            answer: "IncidentList",
            query: [
                ("state", "open, contained, released or resolved"), ("project_id", "one project"),
                ("limit", "page size, 1 to 1000; default 500"),
                ("marker", "the next_marker of the previous page: the id of its last incident"),
            ]),
        Route(
            method: "get", path: "/v1/incidents/{id}", tag: "incidents",
            summary: "Show an incident with evidence, proof and actions", answer: "Incident"),
        Route(
            method: "post", path: "/v1/incidents/{id}", tag: "incidents",
            summary: "Approve waiting actions, release responses, or resolve (?action=)", body: "Note",
            answer: "ActionList", query: [("action", "approve, release or resolve")]),
        Route(
            method: "post", path: "/v1/incidents/{id}/notes", tag: "incidents", summary: "Add a note", body: "NoteText",
            answer: "Incident", status: 201),
    ]

    static let actions = [
        Route(
            method: "get", path: "/v1/actions", tag: "actions", summary: "List actions", answer: "ActionList",
            query: [("state", "one state"), ("incident_id", "one incident")]),
        Route(
            method: "get", path: "/v1/actions/{id}", tag: "actions", summary: "Show an action with its timeline",
            answer: "Action"),
        Route(
            method: "post", path: "/v1/actions/{id}", tag: "actions", summary: "Approve, release or refuse (?action=)",
            body: "ActionRequest", answer: "Action", query: [("action", "approve, release or refuse")]),
    ]

    static let tokens = [
        Route(method: "get", path: "/v1/tokens", tag: "auth", summary: "List API keys (admin)", answer: "TokenList"),
        Route(
            method: "post", path: "/v1/tokens", tag: "auth",
            summary: "Create an API key (admin); the response holds its plaintext, shown only once", body: "NewToken",
            answer: "IssuedToken", status: 201),
        Route(method: "get", path: "/v1/tokens/{id}", tag: "auth", summary: "Show an API key (admin)", answer: "Token"),
        Route(
            method: "delete", path: "/v1/tokens/{id}", tag: "auth", summary: "Revoke an API key (admin)", status: 204),
    ]

    static let other = [
        Route(method: "get", path: "/v1/whoami", tag: "auth", summary: "The caller's identity", answer: "Identity"),
        Route(
            method: "get", path: "/v1/events", tag: "events",
            summary: "Server-sent events: incidents, actions, data-source status", answer: "EventStream",
            query: [("kind", "only these kinds; repeatable"), ("token", "the token, for browsers' EventSource")]),
        Route(method: "get", path: "/v1/openapi.json", tag: "meta", summary: "This document", answer: "OpenAPI"),
        Route(
            method: "get", path: "/healthz", tag: "meta", summary: "Health of the store and data sources",
            answer: "Health"),
        Route(method: "get", path: "/metrics", tag: "meta", summary: "Prometheus metrics", answer: "Metrics"),
    ]
}
