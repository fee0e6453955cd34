import Foundation
import Testing

@testable import Store

@Suite struct RestartTests {
    @Test(arguments: Backend.allCases) func everythingSurvivesReopening(backend: Backend) throws {
        let (database, location) = try backend.openStore()
        let actor = AuditActor(user: "alice", project: "ops")
        let (policy, rules) = try PolicyRecords(database: database).createPolicy(
            NewPolicy(name: "kept", abbreviation: "kept", mode: .approve), rules: [NewRule(original: "a(1)")],
            audit: actor)
        let source = try DataSourceRecords(database: database).create(NewDataSource(name: "nova", driver: "nova"))
        let library = try LibraryRecords(database: database).create(LibraryPolicyRecord(name: "lib"))
        try PushedTableRecords(database: database).replaceRows(["[1]"], dataSource: "nova", table: "t")
        let offset = try OffsetRecords(database: database).set(input: "eve", fileIdentity: "1:2", offset: 99)
        let token = try TokenRecords(database: database).create(name: "ci", role: .admin)
        try SettingRecords(database: database).set("guard", json: "{}")
        database.close()

        let reopened = try Store.open(location)
        defer { reopened.close() }
        let policies = PolicyRecords(database: reopened)
        #expect(try policies.policy("kept") == policy)
        #expect(try policies.rules(ofPolicy: "kept") == rules)
        #expect(try DataSourceRecords(database: reopened).get("nova") == source)
        #expect(try LibraryRecords(database: reopened).get("lib") == library)
        #expect(try PushedTableRecords(database: reopened).rows(dataSource: "nova", table: "t") == ["[1]"])
        #expect(try OffsetRecords(database: reopened).get(input: "eve") == offset)
        #expect(try TokenRecords(database: reopened).lookup(plaintext: token.plaintext) == token.record)
        #expect(try SettingRecords(database: reopened).get("guard") == "{}")
        #expect(try AuditRecords(database: reopened).list().first?.actor == actor)
    }
}
