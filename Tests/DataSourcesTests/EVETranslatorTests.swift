import Datalog
import Testing

@testable import DataSources

@Suite struct EVETranslatorTests {
    func translate(_ path: String) throws -> Translation {
        var translator = EVETranslator()
        return translator.translate(contents: try SharedData.bytes(path), file: path)
    }

    func column(_ name: String, _ row: Row) -> Value? {
        guard let index = IDSTables.alerts.columns.firstIndex(of: name), index < row.count else { return nil }
        return row[index]
    }

    @Test func fieldTypesCase() throws {
        let translation = try translate("cases/B07-eve-field-types/eve.jsonl")
        let alerts = translation.rows["ids:alerts"] ?? []
        #expect(alerts.count == 6)
        #expect(
            alerts.map { column("flow_id", $0) }
                == [
                    "9007199254740993", "9007199254740992", "9007199254740995", "1234567890123", "1234567890124",
                    "1234567890125",
                ].map { Value.string($0) })
        #expect(column("timestamp", alerts[0]) == .string("2024-05-01T10:00:00.000001Z"))
        #expect(column("timestamp", alerts[1]) == .string("2024-05-01T10:00:00.000002Z"))
        #expect(alerts[0] != alerts[1])
        #expect(column("action", alerts[5]) == .string("blocked"))
        #expect(column("src_ip", alerts[5]) == .string("192.0.2.13"))
        #expect(column("signature_id", alerts[0]) == .int(2_000_001))
        #expect(column("proto", alerts[0]) == .string("TCP"))
        #expect(translation.eventTypes["stats"] == 1)
        #expect(translation.eventTypes["flow"] == 1)
        #expect(translation.eventTypes["dns"] == 1)
        #expect(translation.skipped["stats"] == 1)
        #expect(translation.rejected.isEmpty)
        #expect(translation.rows["ids:flows"]?.count == 1)
        #expect(translation.rows["ids:ip_packet"]?.contains([.string("192.0.2.13"), .string("203.0.113.66")]) == true)
    }

    @Test func invalidUTF8Case() throws {
        let translation = try translate("cases/B09-eve-invalid-utf8-field/eve-bad-bytes.jsonl")
        let alerts = translation.rows["ids:alerts"] ?? []
        #expect(alerts.count == 3)
        #expect(alerts.map { column("src_ip", $0) } == ["192.0.2.10", "192.0.2.11", "192.0.2.12"].map(Value.string))
        #expect(column("dest_ip", alerts[0]) == .string("203.0.113.66"))
        #expect(column("signature_id", alerts[0]) == .int(2_000_001))
        #expect(translation.rejected.count == 1)
        #expect(translation.rejected.first?.line == 3)
        #expect(translation.rejected.first?.reason.contains("src_ip") == true)
        #expect(translation.warnings.count == 1)
        #expect(translation.warnings.first?.contains(":1: invalid UTF-8 in http.url") == true)
    }

    @Test func vlanForms() {
        var translator = EVETranslator()
        let base = #""event_type":"flow","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","flow":{"state":"new"}"#
        let list = translator.translate(line: Array(("{" + base + #","vlan":[1,10]}"#).utf8)[...])
        let scalar = translator.translate(line: Array(("{" + base + #","vlan":61}"#).utf8)[...])
        let null = translator.translate(line: Array(("{" + base + #","vlan":null}"#).utf8)[...])
        #expect(list.events.first?.vlan == "1,10")
        #expect(scalar.events.first?.vlan == "61")
        #expect(null.events.first?.vlan == "")
        #expect(null.warnings.isEmpty)
    }

    @Test func replyAlertKeepsFlowDirection() {
        var translator = EVETranslator()
        let line = #"""
            {"timestamp":"2024-05-01T10:00:00.5+01:00","event_type":"alert","src_ip":"203.0.113.66","src_port":443,\#
            "dest_ip":"2001:DB8:0:0:0:0:0:1","dest_port":51000,"proto":"TCP","direction":"to_client",\#
            "alert":{"signature_id":7}}
            """#
        let event = translator.translate(line: Array(line.utf8)[...]).events.first
        #expect(event?.destIP == "2001:db8::1")
        #expect(event?.flowSource == IDSEvent.Endpoint(ip: "2001:db8::1", port: 51000))
        #expect(event?.flowDestination == IDSEvent.Endpoint(ip: "203.0.113.66", port: 443))
        #expect(event?.time?.description == "2024-05-01T09:00:00.500000Z")
    }

    @Test func brokenFeverFile() throws {
        let translation = try translate("data/ids/suricata/eve/DCSO_fever/jsonparse_eve_broken1.json")
        #expect(translation.rejected.map(\.line) == [2])
        #expect(translation.events.count == 2)
        #expect(translation.events.first?.vlan == "61")
    }

    @Test func nullFieldsAreAbsent() throws {
        let translation = try translate("data/ids/suricata/eve/DCSO_fever/jsonparse_eve_nulls.json")
        #expect(translation.rejected.isEmpty)
        #expect(translation.warnings.isEmpty)
        #expect(translation.skipped["fileinfo"] == 1)
    }

    @Test func brokenSurevegoFile() throws {
        let translation = try translate("data/ids/suricata/eve/rhaist_surevego/eve_broken.json")
        #expect(translation.rejected.count == 6)
        #expect(translation.skipped["blank"] == 4)
        #expect(translation.eventTypes["alert"] == 68)
        #expect(translation.rejected.allSatisfy { $0.reason.hasPrefix("invalid JSON at byte") })
    }

    @Test func everyEVEFile() throws {
        let files = SharedData.files(under: "data/ids/suricata/eve")
        #expect(files.count == 13)
        for path in files {
            let translation = try translate(path)
            let expectedRejects = path.hasSuffix("eve_broken.json") ? 6 : (path.hasSuffix("broken1.json") ? 1 : 0)
            #expect(translation.rejected.count == expectedRejects, "\(path): \(translation.rejected)")
            #expect(translation.rowCount > 0 || path.hasSuffix("nulls.json"), "\(path)")
        }
    }

    @Test func concreteRowsFromZeusCapture() throws {
        let translation = try translate("data/ids/suricata/eve/sashalarso_MSSIS-suricata/eve.json")
        let alerts = translation.rows["ids:alerts"] ?? []
        #expect(alerts.count == 35)
        let first = try #require(alerts.first)
        #expect(column("signature", first)?.string?.hasPrefix("ET ") == true)
    }
}
