import Store

extension ActionLedger {
    /// The `ledger` component's schema steps. Times are seconds since 1970 from the
    /// enforcement clock, stored as double precision.
    public static let migrations: [Migration] = [
        Migration(component: "ledger", version: 1, summary: "actions, their timeline, evidence and row states") {
            dialect in
            [
                """
                CREATE TABLE actions (
                    id \(dialect.generatedKey),
                    key TEXT NOT NULL,
                    policy TEXT NOT NULL,
                    action TEXT NOT NULL,
                    arguments TEXT NOT NULL,
                    response TEXT,
                    vm_id TEXT,
                    address TEXT,
                    project_id TEXT,
                    state TEXT NOT NULL,
                    reason TEXT NOT NULL DEFAULT '',
                    attempts BIGINT NOT NULL DEFAULT 0,
                    incident_id TEXT,
                    requested_at DOUBLE PRECISION NOT NULL,
                    decided_at DOUBLE PRECISION,
                    decided_by TEXT,
                    executed_at DOUBLE PRECISION,
                    backend TEXT,
                    result TEXT NOT NULL DEFAULT '',
                    changes TEXT NOT NULL DEFAULT '[]',
                    verified_at DOUBLE PRECISION,
                    released_at DOUBLE PRECISION,
                    released_by TEXT,
                    release_due DOUBLE PRECISION,
                    retry_at DOUBLE PRECISION)
                """,
                "CREATE INDEX actions_by_key ON actions (key, id)",
                "CREATE INDEX actions_by_vm ON actions (vm_id, response, executed_at)",
                "CREATE INDEX actions_by_state ON actions (state)",
                """
                CREATE TABLE action_events (
                    id \(dialect.generatedKey),
                    action_id BIGINT NOT NULL REFERENCES actions (id),
                    at DOUBLE PRECISION NOT NULL,
                    kind TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    detail TEXT NOT NULL)
                """,
                "CREATE INDEX action_events_by_action ON action_events (action_id, id)",
                """
                CREATE TABLE action_evidence (
                    id \(dialect.generatedKey),
                    action_id BIGINT NOT NULL REFERENCES actions (id),
                    at DOUBLE PRECISION NOT NULL,
                    reference TEXT NOT NULL,
                    UNIQUE (action_id, reference))
                """,
                """
                CREATE TABLE action_rows (
                    key TEXT PRIMARY KEY,
                    live BIGINT NOT NULL,
                    changed_at DOUBLE PRECISION NOT NULL)
                """,
            ]
        }
    ]
}
