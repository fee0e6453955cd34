import Datalog
import Enforcement
import Foundation
import Synchronization
import Testing

@testable import Store

/// The enforcement ledger on both stores: the action ledger is the record that keeps an action
/// from running twice, so it must behave the same on SQLite and on a shared PostgreSQL.
@Suite struct LedgerBackendTests {
    static func call(_ vm: String) -> ActionCall {
        ActionCall(
            policy: "compromised_vm", service: "agora", action: "quarantine",
            arguments: [.string(vm), .string("192.0.2.10")])
    }

    @Test(arguments: Backend.allCases) func intentsStepsAndRowsRoundTrip(backend: Backend) throws {
        let (database, location) = try backend.openStore()
        let ledger = try ActionLedger(database: database)
        let intent = ActionIntent(call: Self.call("vm-a"))
        let record = try ledger.insert(intent, at: 100)
        #expect(record.state == .requested)
        #expect(try ledger.latest(key: intent.key)?.id == record.id)

        try ledger.setRow(intent.key, live: true, at: 100)
        _ = try ledger.transition(record.id, event: .executing, actor: "agora", detail: "calling", at: 101) {
            $0.state = .executing
        }
        let executed = try ledger.transition(record.id, event: .executed, actor: "agora", detail: "done", at: 102) {
            $0.state = .executed
            $0.executedAt = 102
            $0.changes = [AppliedChange(kind: "port_security_groups", resource: "p1", before: "g1", after: "q")]
        }
        #expect(executed.changes.count == 1)
        try ledger.appendEvidence(record.id, reference: "alert 1", at: 103)
        try ledger.appendEvidence(record.id, reference: "alert 1", at: 104)
        #expect(try ledger.record(record.id)?.evidence == ["alert 1"])
        #expect(try ledger.events(of: record.id).map(\.kind) == [.requested, .executing, .executed, .evidenceAdded])
        #expect(try ledger.executionCount(response: .quarantine, vmID: "vm-a", since: 0) == 1)
        #expect(try ledger.actedTargets(since: 0) == ["vm-a"])

        // Reopened, the ledger still knows the row is live and the action ran.
        database.close()
        let reopened = try ActionLedger(database: try Store.open(location))
        #expect(try reopened.rowIsLive(intent.key) == true)
        #expect(try reopened.record(record.id)?.state == .executed)
        #expect(try reopened.records(in: [.executed]).map(\.id) == [record.id])
    }

    @Test(arguments: Backend.allCases) func concurrentInsertsGetDistinctIDs(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        let ledger = try ActionLedger(database: database)
        let ids = Mutex<[Int64]>([])
        DispatchQueue.concurrentPerform(iterations: 40) { index in
            let record = try? ledger.insert(ActionIntent(call: Self.call("vm-\(index)")), at: Double(index))
            if let record { ids.withLock { $0.append(record.id) } }
        }
        let stored = ids.withLock { $0 }
        #expect(stored.count == 40)
        #expect(Set(stored).count == 40)
        #expect(try ledger.allRecords().count == 40)
    }
}
