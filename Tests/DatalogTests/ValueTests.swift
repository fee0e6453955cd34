import Testing

@testable import Datalog

@Suite struct ValueTests {
    @Test func stringQuotingEscapes() {
        #expect(Value.string("a\"b\\c\n").description == #""a\"b\\c\n""#)
    }

    @Test func numbersOrderBeforeStrings() {
        #expect(Value.int(1) < Value.float(1.5))
        #expect(Value.float(1.5) < Value.int(2))
        #expect(Value.int(99) < Value.string(""))
        #expect(!(Value.string("b") < Value.string("a")))
    }

    @Test func floatFormatting() {
        #expect(Value.float(2).description == "2.0")
        #expect(Value.float(0.5).description == "0.5")
    }
}
