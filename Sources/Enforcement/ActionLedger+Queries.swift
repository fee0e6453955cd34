import Store

extension ActionLedger {
    /// The action with this id, with its evidence.
    public func record(_ id: Int64) throws -> ActionRecord? {
        try database.read { sql in try Self.load(sql, id: id) }
    }

    /// Every action, oldest first. Reads the whole table: for tests, exports and small ledgers.
    public func allRecords() throws -> [ActionRecord] {
        try records(where: "1 = 1", [])
    }

    /// The newest action for the row `key`.
    public func latest(key: String) throws -> ActionRecord? {
        try records(where: "key = $1 ORDER BY id DESC LIMIT 1", [.text(key)]).first
    }

    /// The open action of `response` on `target`: the same VM for VM responses,
    /// the same address for `block`.
    public func openRecord(response: ResponseKind, target: ActionTarget) throws -> ActionRecord? {
        let states = Self.stateList(ActionState.open)
        if response == .block {
            guard let address = target.address else { return nil }
            return try records(
                where: "response = $1 AND address = $2 AND state IN (\(states)) ORDER BY id LIMIT 1",
                [.text(response.rawValue), .text(address)]
            ).first
        }
        guard let vmID = target.vmID else { return nil }
        return try records(
            where: "response = $1 AND vm_id = $2 AND state IN (\(states)) ORDER BY id LIMIT 1",
            [.text(response.rawValue), .text(vmID)]
        ).first
    }

    /// Every open action on the VM, any response.
    public func openRecords(vmID: String) throws -> [ActionRecord] {
        try records(
            where: "vm_id = $1 AND state IN (\(Self.stateList(ActionState.open))) ORDER BY id", [.text(vmID)])
    }

    /// The actions in any of `states`, oldest first.
    public func records(in states: Set<ActionState>) throws -> [ActionRecord] {
        try records(where: "state IN (\(Self.stateList(states))) ORDER BY id", [])
    }

    /// The timeline of one action, oldest first.
    public func events(of id: Int64) throws -> [ActionEvent] {
        try database.read { sql in
            try sql.query("SELECT * FROM action_events WHERE action_id = $1 ORDER BY id", [.integer(id)]).map {
                row in
                ActionEvent(
                    actionID: id, at: row["at"].real ?? 0,
                    kind: ActionEventKind(rawValue: try row.string("kind")) ?? .requested,
                    actor: try row.string("actor"), detail: try row.string("detail"))
            }
        }
    }

    /// How many timeline steps of `kind` the whole ledger contains.
    public func eventCount(kind: ActionEventKind) throws -> Int {
        try database.read { sql in
            let row = try sql.first("SELECT COUNT(*) AS n FROM action_events WHERE kind = $1", [.text(kind.rawValue)])
            return Int(row?.optionalInt("n") ?? 0)
        }
    }

    /// How many actions were executed since `time`, or are executing now; for one policy when
    /// `policy` is given, else across all policies.
    public func executionCount(since time: Double, policy: String? = nil) throws -> Int {
        var condition = "(executed_at >= $1 OR state = 'executing')"
        var parameters: [SQLValue] = [.real(time)]
        if let policy {
            condition += " AND policy = $2"
            parameters.append(.text(policy))
        }
        return try database.read { sql in
            let row = try sql.first("SELECT COUNT(*) AS n FROM actions WHERE \(condition)", parameters)
            return Int(row?.optionalInt("n") ?? 0)
        }
    }

    /// The targets (VM ids, or addresses for `block`) acted on since `time` or being acted on
    /// now; for one policy when `policy` is given. Blast-radius caps count these, so that
    /// several responses to one VM count once.
    public func actedTargets(since time: Double, policy: String? = nil) throws -> Set<String> {
        var condition = "(executed_at >= $1 OR state = 'executing')"
        var parameters: [SQLValue] = [.real(time)]
        if let policy {
            condition += " AND policy = $2"
            parameters.append(.text(policy))
        }
        return try database.read { sql in
            let rows = try sql.query(
                "SELECT DISTINCT COALESCE(vm_id, address, key) AS target FROM actions WHERE \(condition)", parameters)
            return Set(rows.compactMap { $0.optionalString("target") })
        }
    }

    /// How many times `response` was executed on the VM since `time`. The repeat-offender rule
    /// reads this, so the count survives a restart.
    public func executionCount(response: ResponseKind, vmID: String, since time: Double) throws -> Int {
        try database.read { sql in
            let row = try sql.first(
                "SELECT COUNT(*) AS n FROM actions WHERE response = $1 AND vm_id = $2 AND executed_at >= $3",
                [.text(response.rawValue), .text(vmID), .real(time)])
            return Int(row?.optionalInt("n") ?? 0)
        }
    }

    /// Whether the row `key` was last reported as derived; nil when it was never reported.
    public func rowIsLive(_ key: String) throws -> Bool? {
        try database.read { sql in
            try sql.first("SELECT live FROM action_rows WHERE key = $1", [.text(key)]).map { try $0.bool("live") }
        }
    }

    private func records(where condition: String, _ parameters: [SQLValue]) throws -> [ActionRecord] {
        try database.read { sql in
            let rows = try sql.query("SELECT * FROM actions WHERE \(condition)", parameters)
            return try rows.map { row in
                let evidence = try sql.query(
                    "SELECT reference FROM action_evidence WHERE action_id = $1 ORDER BY id",
                    [.integer(try row.int("id"))])
                return try Self.decode(row, evidence: evidence.map { try $0.string("reference") })
            }
        }
    }

    /// The states as a SQL list of literals. The values come from `ActionState`, never from input.
    private static func stateList(_ states: Set<ActionState>) -> String {
        states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
    }
}
