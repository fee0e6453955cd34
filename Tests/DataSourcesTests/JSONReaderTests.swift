import Testing

@testable import DataSources

@Suite struct JSONReaderTests {
    @Test func keepsLargeIntegerDigits() throws {
        let document = try JSONReader.parse(#"{"flow_id": 9007199254740993, "x": -1.5e3}"#)
        #expect(document.value["flow_id"]?.numberValue?.text == "9007199254740993")
        #expect(document.value["flow_id"]?.numberValue?.uint64 == 9_007_199_254_740_993)
        #expect(document.value["x"]?.numberValue?.double == -1500)
    }

    @Test func decodesEscapes() throws {
        let document = try JSONReader.parse(#"["a\"b\\c\/d\n", "\u00e9\ud83d\ude00", "nul\u0000tail"]"#)
        let items = document.value.arrayValue ?? []
        #expect(items.count == 3)
        #expect(items.first?.stringValue == "a\"b\\c/d\n")
        #expect(items.dropFirst().first?.stringValue == "\u{E9}\u{1F600}")
        #expect(items.last?.stringValue == "nul\u{0}tail")
        #expect(document.repairedStrings.isEmpty)
    }

    @Test func repairsInvalidUTF8InOneField() throws {
        var bytes = Array(#"{"http":{"url":"/a"#.utf8)
        bytes += [0xC3, 0x28, 0xFF]
        bytes += Array(#"b","host":"x"}}"#.utf8)
        let document = try JSONReader.parse(bytes)
        #expect(document.repairedStrings == ["http.url"])
        #expect(document.value.value(atPath: "http.host")?.stringValue == "x")
        let url = document.value.value(atPath: "http.url")?.stringValue ?? ""
        #expect(url.hasPrefix("/a\u{FFFD}"))
        #expect(url.hasSuffix("b"))
    }

    @Test func rejectsMalformedInput() {
        let cases = [
            #"{"a":1"#, #"{"a":01}"#, #"{"a":tru}"#, #"{"a":1}x"#, #"{a:1}"#, "[1,]", "\"tab\tin\"", "",
            #"{"timestamp":""2017""}"#,
        ]
        for text in cases {
            #expect(throws: JSONError.self, "\(text)") { try JSONReader.parse(text) }
        }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONError.self) { try JSONReader.parse(deep) }
        let shallow = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONReader.parse(shallow)) != nil)
    }
}
