import Foundation
import Testing

@testable import Store

@Suite struct LibraryRecordsTests {
    @Test(arguments: Backend.allCases) func libraryRoundTrip(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let library = LibraryRecords(database: database)
        let rules = [
            LibraryRule(rule: "error(vm) :- nova:servers(id=vm)", name: "flag", comment: "every \"VM\""),
            LibraryRule(rule: "ok(1)"),
        ]

        let created = try library.create(
            LibraryPolicyRecord(name: "quarantine", abbreviation: "quar", description: "isolate", rules: rules),
            audit: AuditActor(user: "alice"))
        #expect(!created.id.isEmpty)
        #expect(try library.get(created.id) == created)
        #expect(try library.get("quarantine")?.rules == rules)
        #expect(try library.list(name: "quarantine") == [created])
        #expect(try library.list(name: "other").isEmpty)

        _ = try library.create(LibraryPolicyRecord(id: "fixed-id", name: "another"))
        #expect(try library.list().map(\.name) == ["another", "quarantine"])
        #expect(try library.get("fixed-id")?.rules == [])

        #expect(try library.delete("quarantine") == created)
        #expect(try library.delete("quarantine") == nil)
        #expect(try library.list().map(\.id) == ["fixed-id"])
    }

    @Test(arguments: Backend.allCases) func duplicateLibraryNameKeepsNothing(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let library = LibraryRecords(database: database)
        _ = try library.create(LibraryPolicyRecord(name: "one"))
        #expect(throws: StoreError.self) {
            try library.create(LibraryPolicyRecord(name: "one", rules: [LibraryRule(rule: "a(1)")]))
        }
        #expect(try library.list().count == 1)
        #expect(try library.get("one")?.rules.isEmpty == true)
    }

    @Test func malformedRulesColumnNamesTheColumn() {
        #expect(
            throws: StoreError.invalidJSON(field: "library_policies.rules", message: "expected an array of objects")
        ) {
            try LibraryRecords.decode("{}")
        }
    }
}
