import Foundation
import Testing

@testable import Store

@Suite struct DataSourceRecordsTests {
    @Test(arguments: Backend.allCases) func dataSourceRoundTrip(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let sources = DataSourceRecords(database: database, clock: SteppingClock().function)
        let config = #"{"cloud":"devstack","password_env":"OS_PASSWORD","poll_time":30}"#

        let created = try sources.create(
            NewDataSource(name: "nova", driver: "nova", description: "compute", config: config),
            audit: AuditActor(user: "alice"))
        #expect(try sources.get("nova") == created)
        #expect(try sources.get(created.id)?.config == config)
        #expect(try sources.list() == [created])

        let disabled = try sources.setEnabled(false, dataSource: "nova")
        #expect(disabled.enabled == false)
        #expect(try sources.get("nova")?.enabled == false)

        #expect(try sources.delete(created.id) == disabled)
        #expect(try sources.list().isEmpty)
        #expect(try sources.delete("nova") == nil)
    }

    @Test(arguments: Backend.allCases) func missingConfigIsAnEmptyObject(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let sources = DataSourceRecords(database: database)
        #expect(try sources.create(NewDataSource(name: "push", driver: "push")).config == "{}")
        #expect(try sources.create(NewDataSource(name: "push2", driver: "push", config: "null")).config == "{}")
        #expect(throws: StoreError.self) { try sources.create(NewDataSource(name: "bad", driver: "x", config: "[1]")) }
        #expect(throws: StoreError.self) { try sources.create(NewDataSource(name: "bad", driver: "x", config: "{")) }
    }

    @Test(arguments: Backend.allCases) func literalSecretIsRejected(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let sources = DataSourceRecords(database: database)

        let cases: [(config: String, field: String)] = [
            (#"{"username":"admin","password":"hunter2"}"#, "password"),
            (#"{"auth":{"client_secret":"s3"}}"#, "auth.client_secret"),
            (#"{"Auth-Token":"abc"}"#, "Auth-Token"),
            (#"{"list":[{"token":"abc"}]}"#, "list[0].token"),
        ]
        for (config, field) in cases {
            #expect(throws: StoreError.literalSecret(dataSource: "nova", field: field)) {
                try sources.create(NewDataSource(name: "nova", driver: "nova", config: config))
            }
        }
        #expect(try sources.list().isEmpty)

        let message = StoreError.literalSecret(dataSource: "nova", field: "password").description
        #expect(message.contains("password_env"))
    }

    @Test func secretReferencesAreAllowed() {
        let config: [String: Any] = [
            "password_env": "OS_PASSWORD", "cloud": "devstack", "password": "", "token": NSNull(),
            "tokens_per_second": 5,
        ]
        #expect(DataSourceSecrets.literalSecretField(in: config) == nil)
    }

    @Test(arguments: Backend.allCases) func duplicateNameIsAConstraintError(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let sources = DataSourceRecords(database: database)
        let first = try sources.create(NewDataSource(name: "nova", driver: "nova"))
        do {
            _ = try sources.create(NewDataSource(name: "nova", driver: "neutronv2"), audit: AuditActor(user: "bob"))
            Issue.record("a second data source named nova was stored")
        } catch StoreError.constraint {
        }
        #expect(try sources.list() == [first])
        #expect(try AuditRecords(database: database).list().isEmpty)
    }
}
