import Datalog
import Testing

@testable import DataSources

@Suite struct ZeekTranslatorTests {
    func translate(_ path: String) throws -> Translation {
        var translator = ZeekTranslator()
        return translator.translate(contents: try SharedData.bytes(path), file: path)
    }

    @Test func tsvColumnsCase() throws {
        let path = "cases/B12-zeek-tsv-columns/conn.log"
        var reader = ZeekTSVReader()
        var records: [String: ZeekRecord] = [:]
        var rejectedLines: [Int] = []
        for (index, line) in splitLines(try SharedData.bytes(path)).enumerated() {
            switch reader.read(String(decoding: line, as: UTF8.self)) {
            case .record(let record): records[record["uid"]?.text ?? ""] = record
            case .rejected: rejectedLines.append(index + 1)
            case .directive: break
            }
        }
        #expect(rejectedLines == [12])
        #expect(records["C1aaaa"]?["tunnel_parents"] == .empty)
        #expect(records["C1aaaa"]?["service"] == .value("ssl"))
        #expect(records["C2bbbb"]?["service"] == .unset)
        #expect(records["C2bbbb"]?["tunnel_parents"] == .value(""))
        #expect(records["C3cccc"]?["tunnel_parents"] == .unset)
        #expect(reader.elements(of: records["C3cccc"]?["service"]) == ["ssl", "http"])
        #expect(records["C5eeee"]?["tunnel_parents"] == nil)
        #expect(records["C5eeee"]?["id.orig_h"] == .value("192.0.2.12"))

        let translation = try translate(path)
        #expect(translation.rejected.map(\.line) == [12])
        #expect(translation.rejected.first?.reason == "10 fields, the #fields header has 9")
        let flows = translation.events.filter { $0.kind == .flow }
        #expect(flows.map(\.flowID) == ["C1aaaa", "C2bbbb", "C3cccc", "C5eeee"])
        #expect(flows.first?.time?.description == "2024-05-01T10:00:00.000001Z")
        #expect(flows[2].srcIP == "2001:db8:1::10")
        #expect(flows[2].destIP == "2001:db8:ffff::66")
        #expect(flows[2].appProto == "ssl,http")
        #expect(flows[1].appProto == "")
        #expect(flows[3].srcIP == "192.0.2.12")
        #expect(flows[3].srcPort == 51004)
        #expect(flows[3].destIP == "203.0.113.66")
        #expect(flows[3].destPort == 22)
        #expect(translation.rows["ids:ip_packet"]?.last == [.string("192.0.2.12"), .string("203.0.113.66")])
    }

    @Test func jsonConnRecord() throws {
        let translation = try translate("data/ids/zeek/JustinAzoff_zeek-clickhouse/log.json")
        let flow = try #require(translation.events.first)
        #expect(flow.kind == .flow)
        #expect(flow.sensor == "ja-ap200.home")
        #expect(flow.srcIP == "192.168.2.3")
        #expect(flow.destIP == "8.8.8.8")
        #expect(flow.destPort == 53)
        #expect(flow.proto == "UDP")
        #expect(flow.time?.description == "2021-03-02T17:26:40.530716Z")
        #expect(flow.packetsToClient == 1)
    }

    @Test func noticeTSVAndJSONAgree() throws {
        let tsv = try translate("data/ids/zeek/brimdata_zed-sample-data/notice.log")
        let json = try translate("data/ids/zeek/brimdata_zed-sample-data/notice.json")
        #expect(tsv.rejected.isEmpty)
        #expect(json.rejected.isEmpty)
        #expect(tsv.rows["ids:ip_packet"] == json.rows["ids:ip_packet"])
        #expect(tsv.events.count == json.events.count)
        let first = try #require(tsv.events.first)
        #expect(first.category == "SSL::Invalid_Server_Cert")
        #expect(first.srcIP == "10.164.94.120")
        #expect(first.destIP == "10.47.3.200")
        #expect(first.flowID == "CmC9kY1X0u9nP78KZc")
    }

    @Test func intelMatch() throws {
        let path = "data/ids/zeek/zeek-btest-baseline/scripts.base.frameworks.intel.input-and-match/zeekproc.intel.log"
        let translation = try translate(path)
        #expect(translation.rejected.isEmpty)
        #expect(translation.events.map(\.signature) == ["e@mail.com", "1.2.3.4"])
        #expect(translation.events.last?.category == "Intel::ADDR")
        #expect(translation.rows["ids:alerts"]?.count == 2)
    }

    @Test func everyZeekLog() throws {
        // The btest JSON baseline masks times as a bare XXXXXXXXXX.XXXXXX, which is not JSON.
        let maskedJSON = "json-non-printable-escaping/http.log.json"
        for path in SharedData.files(under: "data/ids/zeek") where !path.hasSuffix(".pcap") {
            let translation = try translate(path)
            if path.hasSuffix(maskedJSON) {
                #expect(!translation.rejected.isEmpty)
                #expect(translation.rejected.allSatisfy { $0.reason.hasPrefix("invalid JSON") })
            } else {
                #expect(translation.rejected.isEmpty, "\(path): \(translation.rejected.prefix(3))")
            }
            #expect(translation.linesRead > 0, "\(path)")
        }
    }
}
