import Testing

@testable import Enforcement

@Suite struct ResponseTests {
    @Test func responseNamesMatchTheRuleVocabulary() {
        #expect(ResponseKind(rawValue: "port_down") == .portDown)
        #expect(ResponseKind(rawValue: "quarantine") == .quarantine)
        #expect(ResponseKind(rawValue: "shutdown") == nil)
    }
}
