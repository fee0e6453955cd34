import Datalog
import Testing

@testable import DataSources

@Suite struct SnortTranslatorTests {
    func translate(_ path: String) throws -> Translation {
        var translator = SnortTranslator(year: 2024)
        return translator.translate(contents: try SharedData.bytes(path), file: path)
    }

    @Test func fastEmotetAlerts() throws {
        let translation = try translate("data/ids/snort/micheletombesi_snort-nids-tutorial/log2/alert_fast.txt")
        #expect(translation.rejected.isEmpty)
        #expect(translation.events.count == 96)
        let first = try #require(translation.events.first)
        #expect(first.srcIP == "10.11.14.101")
        #expect(first.srcPort == 49210)
        #expect(first.destIP == "50.78.167.65")
        #expect(first.destPort == 7080)
        #expect(first.signatureID == 48402)
        #expect(first.gid == 1)
        #expect(first.category == "A Network Trojan was detected")
        #expect(first.severity == 1)
        #expect(first.time?.description == "2024-11-14T17:31:36.069820Z")
        #expect(translation.rows["ids:ip_packet"]?.first == [.string("10.11.14.101"), .string("50.78.167.65")])
    }

    @Test func fastICMPWithoutPorts() throws {
        let translation = try translate("data/ids/snort/kingprem12_Securing-Network-Perimeters/alert_fast.txt")
        #expect(translation.rejected.isEmpty)
        #expect(translation.skipped["blank"] == 1)
        let first = try #require(translation.events.first)
        #expect(first.destIP == "8.8.8.8")
        #expect(first.destPort == nil)
        #expect(first.proto == "ICMP")
    }

    @Test func fastIPv6AddressAndPort() {
        var translator = SnortTranslator(year: 2024)
        let tcp =
            #"01/22-13:35:12.916126 [**] [1:2:3] "x" [**] [Priority: 2] {TCP} 2001:db8::1:51000 -> 2001:db8::2:443"#
        let icmp = #"01/22-13:35:12.916126 [drop] [**] [1:2:3] "x" [**] {IPV6-ICMP} 2001:db8::1 -> 2001:db8::2"#
        let bracketed = #"01/22-13:35:12.9 [**] [1:2:3] "x" [**] {UDP} [2001:db8::1]:53 -> [2001:db8::2]:5353"#
        let tcpEvent = translator.translate(line: Array(tcp.utf8)[...]).events.first
        #expect(tcpEvent?.srcIP == "2001:db8::1")
        #expect(tcpEvent?.srcPort == 51000)
        #expect(tcpEvent?.destIP == "2001:db8::2")
        #expect(tcpEvent?.destPort == 443)
        let icmpEvent = translator.translate(line: Array(icmp.utf8)[...]).events.first
        #expect(icmpEvent?.srcIP == "2001:db8::1")
        #expect(icmpEvent?.srcPort == nil)
        #expect(icmpEvent?.action == "drop")
        let bracketedEvent = translator.translate(line: Array(bracketed.utf8)[...]).events.first
        #expect(bracketedEvent?.destIP == "2001:db8::2")
        #expect(bracketedEvent?.destPort == 5353)
    }

    @Test func jsonFullFields() throws {
        let translation = try translate("data/ids/snort/snort3_demo/loggers_json/expected")
        #expect(translation.rejected.isEmpty)
        #expect(translation.events.count == 4)
        let last = try #require(translation.events.last)
        #expect(last.srcIP == "10.1.2.3")
        #expect(last.destIP == "10.9.8.7")
        #expect(last.destPort == 27)
        #expect(last.time?.description == "2017-11-27T13:01:46.386132Z")
        let reply = translation.events[2]
        #expect(reply.direction == "S2C")
        #expect(reply.flowSource == IDSEvent.Endpoint(ip: "10.1.2.4", port: 48620))
    }

    @Test func jsonHomeLab() throws {
        let translation = try translate("data/ids/snort/patel-aum_snort-grafana-dashboard/alert_json.txt")
        #expect(translation.rejected.isEmpty)
        #expect(translation.events.count == 240)
        let first = try #require(translation.events.first)
        #expect(first.signature == "PROTOCOL-ICMP PING Unix")
        #expect(first.signatureID == 366)
        #expect(first.srcIP == "192.168.0.28")
        #expect(first.action == "allow")
    }

    @Test func csvDefaultAndAllFields() throws {
        let all = try translate("data/ids/snort/snort3_demo/loggers_csv/expected")
        #expect(all.rejected.isEmpty)
        #expect(all.events.count == 2)
        #expect(all.events.first?.signature == "MALWARE-CNC Win.Trojan.Yoddos outbound indicator")
        #expect(all.events.first?.srcIP == "10.1.2.4")
        #expect(all.events.last?.srcPort == 8)
        let reject = try translate("data/ids/snort/snort3_demo/ips_actions_reject/expected")
        #expect(reject.events.first?.action == "reset")
        #expect(reject.events.first?.srcPort == 48620)
        #expect(reject.events.first?.destIP == "10.9.8.7")
        let reputation = try translate("data/ids/snort/snort3_demo/inspectors_reputation/expected")
        #expect(reputation.events.map(\.signatureID) == [4, 1])
        #expect(reputation.events.first?.gid == 136)
    }

    @Test func csvWrongFieldCount() {
        var translator = SnortTranslator(year: 2024)
        let result = translator.translate(line: Array("a, b, c".utf8)[...])
        #expect(result.rejectReason?.contains("3 fields") == true)
    }

    @Test func everySnortOutputFile() throws {
        let outputs = [
            "data/ids/snort/kingprem12_Securing-Network-Perimeters/alert_fast.txt",
            "data/ids/snort/micheletombesi_snort-nids-tutorial/log/alert_fast.txt",
            "data/ids/snort/micheletombesi_snort-nids-tutorial/log2/alert_fast.txt",
            "data/ids/snort/patel-aum_snort-grafana-dashboard/alert_json.txt",
            "data/ids/snort/snort3_demo/inspectors_reputation/expected",
            "data/ids/snort/snort3_demo/ips_actions_reject/expected",
            "data/ids/snort/snort3_demo/loggers_csv/expected",
            "data/ids/snort/snort3_demo/loggers_json/expected",
        ]
        for path in outputs {
            let translation = try translate(path)
            #expect(translation.rejected.isEmpty, "\(path): \(translation.rejected)")
            #expect(!translation.events.isEmpty, "\(path)")
        }
    }
}
