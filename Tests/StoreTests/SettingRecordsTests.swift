import Foundation
import Testing

@testable import Store

@Suite struct SettingRecordsTests {
    @Test(arguments: Backend.allCases) func settingRoundTrip(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let settings = SettingRecords(database: database)

        try settings.set("guard.rate_limit", json: #"{"per_minute":10}"#, audit: AuditActor(user: "alice"))
        try settings.set("guard.protected", json: #"["10.0.0.1"]"#)
        try settings.set("guard.rate_limit", json: #"{"per_minute":20}"#)
        #expect(try settings.get("guard.rate_limit") == #"{"per_minute":20}"#)
        #expect(try settings.all() == ["guard.rate_limit": #"{"per_minute":20}"#, "guard.protected": #"["10.0.0.1"]"#])

        #expect(try settings.remove("guard.protected"))
        #expect(try !settings.remove("guard.protected"))
        #expect(try settings.get("guard.protected") == nil)
    }

    @Test(arguments: Backend.allCases) func invalidJSONIsRejected(backend: Backend) throws {
        let (database, _) = try backend.openStore()
        defer { database.close() }
        let settings = SettingRecords(database: database)
        #expect(throws: StoreError.self) { try settings.set("broken", json: "{not json") }
        #expect(try settings.get("broken") == nil)
        try settings.set("plain", json: "true")
        #expect(try settings.get("plain") == "true")
    }
}
