import Foundation
import OpenStack
import Testing

@testable import Agora

@Suite struct OpenAPITests {
    /// The checked-in document is the one the server serves; regenerate it with
    /// `swift run agora openapi > docs/openapi.json`.
    @Test func checkedInDocumentIsCurrent() throws {
        let file = TestSupport.repositoryRoot.appendingPathComponent("docs/openapi.json")
        let stored = try String(contentsOf: file, encoding: .utf8)
        #expect(
            stored == OpenAPIDocument.text,
            "docs/openapi.json is stale; run swift run agora openapi > docs/openapi.json")
    }

    /// Every route in the document is one the API knows: none answers "no resource" or 501.
    @Test func everyDocumentedRouteIsServed() async throws {
        let harness = try await ServiceHarness()
        for route in APIRoutes.all where route.path.hasPrefix("/v1/") && !route.path.contains("{") {
            guard route.method == "get", !["/v1/events", "/v1/openapi.json"].contains(route.path) else { continue }
            let answer = try harness.call("GET", route.path)
            #expect(answer.status == 200, "GET \(route.path): \(answer.json)")
        }
        let paths = Set(APIRoutes.all.map { "\($0.method) \($0.path)" })
        #expect(paths.count == APIRoutes.all.count, "a route is listed twice")
    }
}

@Suite struct ConfigurationDocumentTests {
    /// docs/configuration.md lists every option as `agora serve --help-config` prints it.
    @Test func configurationGuideListsEveryOption() throws {
        let file = TestSupport.repositoryRoot.appendingPathComponent("docs/configuration.md")
        let guide = try String(contentsOf: file, encoding: .utf8)
        #expect(
            guide.contains("```\n" + ServiceConfiguration.helpText + "\n```"),
            "docs/configuration.md is stale; paste the output of agora serve --help-config")
    }
}
