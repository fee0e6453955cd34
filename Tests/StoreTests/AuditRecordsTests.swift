import Foundation
import Testing

@testable import Store

@Suite struct AuditRecordsTests {
    @Test(arguments: Backend.allCases) func listIsNewestFirstAndFiltered(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let audit = AuditRecords(database: database, clock: SteppingClock().function)
        let alice = AuditActor(user: "alice", project: "ops")
        let bob = AuditActor(user: "bob")

        let first = try audit.append(actor: alice, action: "create_policy", objectKind: "policy", objectID: "p1")
        let second = try audit.append(
            actor: bob, action: "approve", objectKind: "action", objectID: "a1", detail: #"{"why":"ok"}"#)
        let third = try audit.append(actor: alice, action: "delete_policy", objectKind: "policy", objectID: "p1")

        #expect(try audit.list() == [third, second, first])
        #expect(try audit.list(limit: 2) == [third, second])
        #expect(try audit.list(matching: AuditFilter(user: "alice")) == [third, first])
        #expect(try audit.list(matching: AuditFilter(project: "ops", action: "create_policy")) == [first])
        #expect(try audit.list(matching: AuditFilter(objectKind: "action")).first?.detail == #"{"why":"ok"}"#)
        #expect(try audit.list(matching: AuditFilter(objectID: "p1"), limit: 1) == [third])
        #expect(try audit.list(matching: AuditFilter(user: "carol")).isEmpty)
        #expect(try audit.list(matching: AuditFilter(user: "bob")).first?.actor.project == nil)
        #expect(first.id < second.id)
    }
}
