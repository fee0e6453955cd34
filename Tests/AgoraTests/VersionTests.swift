import Testing

@testable import Agora

@Suite struct VersionTests {
    @Test func versionIsSemantic() {
        #expect(AgoraVersion.current.split(separator: ".").count == 3)
    }
}
