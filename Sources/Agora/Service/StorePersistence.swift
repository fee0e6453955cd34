import Datalog
import Foundation
import OpenStack
import Store

/// The service's policies, library and data sources, kept in the store's repositories.
public struct StorePersistence: PolicyPersistence, LibraryPersistence, DataSourcePersistence {
    public let database: any Database
    private var policies: PolicyRecords { PolicyRecords(database: database) }
    private var library: LibraryRecords { LibraryRecords(database: database) }
    private var dataSources: DataSourceRecords { DataSourceRecords(database: database) }

    public init(database: any Database) { self.database = database }

    private func audit(_ actor: Actor) -> AuditActor { AuditActor(user: actor.user, project: actor.project) }

    // MARK: Policies

    public func loadPolicies() throws -> [(PolicyInfo, [RuleInfo])] {
        try policies.listPolicies().map { record in
            let info = PolicyInfo(
                id: record.id, name: record.name, abbreviation: record.abbreviation, description: record.description,
                ownerID: record.ownerID, kind: PolicyKind(rawValue: record.kind) ?? .nonrecursive,
                mode: record.mode.rawValue)
            let rules = try policies.rules(ofPolicy: record.id).map {
                RuleInfo(
                    id: $0.id, policyID: record.id, name: $0.name ?? "", comment: $0.comment ?? "", text: $0.original)
            }
            return (info, rules)
        }
    }

    public func createPolicy(_ policy: PolicyInfo, rules: [RuleInfo], by actor: Actor) throws {
        try policies.createPolicy(
            NewPolicy(
                id: policy.id, name: policy.name, abbreviation: policy.abbreviation, kind: policy.kind.rawValue,
                description: policy.description, ownerID: policy.ownerID,
                mode: PolicyMode(rawValue: policy.mode) ?? .dryRun),
            rules: rules.map { NewRule(id: $0.id, original: $0.text, name: $0.name, comment: $0.comment) },
            audit: audit(actor))
    }

    public func deletePolicy(_ policy: PolicyInfo, by actor: Actor) throws {
        _ = try policies.deletePolicy(policy.id, audit: audit(actor))
    }

    public func addRule(_ rule: RuleInfo, by actor: Actor) throws {
        _ = try policies.addRule(
            NewRule(id: rule.id, original: rule.text, name: rule.name, comment: rule.comment), toPolicy: rule.policyID,
            audit: audit(actor))
    }

    public func deleteRule(_ rule: RuleInfo, by actor: Actor) throws {
        _ = try policies.deleteRule(rule.id, inPolicy: rule.policyID, audit: audit(actor))
    }

    public func setMode(_ policy: PolicyInfo, by actor: Actor) throws {
        _ = try policies.setMode(PolicyMode(rawValue: policy.mode) ?? .dryRun, policy: policy.id, audit: audit(actor))
    }

    // MARK: Library

    public func loadLibrary() throws -> [LibraryPolicy] {
        try library.list().map { record in
            LibraryPolicy(
                id: record.id, name: record.name, abbreviation: record.abbreviation, description: record.description,
                kind: record.kind,
                rules: record.rules.map {
                    LibraryPolicy.Rule(rule: $0.rule, name: $0.name ?? "", comment: $0.comment ?? "")
                }
            )
        }
    }

    public func saveLibrary(_ policy: LibraryPolicy) throws {
        try database.write { sql in
            try sql.execute("DELETE FROM library_policies WHERE id = $1", [.text(policy.id)])
        }
        _ = try library.create(
            LibraryPolicyRecord(
                id: policy.id, name: policy.name, abbreviation: policy.abbreviation, description: policy.description,
                kind: policy.kind,
                rules: policy.rules.map { LibraryRule(rule: $0.rule, name: $0.name, comment: $0.comment) }
            ))
    }

    public func deleteLibrary(_ policy: LibraryPolicy) throws {
        _ = try library.delete(policy.id)
    }

    // MARK: Data sources

    public func loadDataSources() throws -> [DataSourceConfig] {
        try dataSources.list().map { record in
            let options = (try? JSON.parse(Data(record.config.utf8), source: "data source \(record.name)"))?.objectValue
            return DataSourceConfig(
                id: record.id, name: record.name, driver: record.driver, description: record.description,
                enabled: record.enabled, options: (options ?? [:]).compactMapValues(\.stringValue))
        }
    }

    public func saveDataSource(_ config: DataSourceConfig, by actor: Actor) throws {
        let options = JSON.object(config.options.mapValues { .string($0) }).text
        _ = try dataSources.create(
            NewDataSource(
                id: config.id, name: config.name, driver: config.driver, description: config.description,
                enabled: config.enabled, config: options), audit: audit(actor))
    }

    public func deleteDataSource(_ config: DataSourceConfig, by actor: Actor) throws {
        _ = try dataSources.delete(config.id, audit: audit(actor))
    }
}
