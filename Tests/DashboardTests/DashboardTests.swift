// Browser tests of the dashboard in Sources/Agora/Resources/dashboard, against a real service.
//
// Run them with:
//
//     swift build && swift test --filter DashboardTests
//
// They need Debian's `chromium` (`apt-get install -y chromium`; `AGORA_CHROMIUM` names another
// executable) and the built `agora` binary. Each test starts its own `agora serve --auth token
// --simulated-cloud` on 127.0.0.1 (see DashboardTarget.swift) and its own browser, and kills both by PID
// at the end. Screenshots go to .build/dashboard-screenshots/; with AGORA_UPDATE_SCREENSHOTS=1 the page
// tests also write the README's screenshots under docs/screenshots/.

import Agora
import Foundation
import Store
import Testing

/// Every suite below runs one test at a time, because each test starts a browser and a server.
@Suite("Dashboard", .serialized)
struct DashboardTests {}

extension DashboardTests {
    @Suite("Browser harness")
    struct HarnessTests {
        @Test func evaluateReturnsJSON() async throws {
            let browser = try Browser.launch()
            defer { browser.close() }
            let page = try await browser.newPage()

            let value = try await page.evaluate("Promise.resolve({ sum: 1 + 2, list: [true, null, 'x'] })")
            #expect(value == ["sum": 3, "list": [true, .null, "x"]])
        }

        @Test func collectsUncaughtErrors() async throws {
            let browser = try Browser.launch()
            defer { browser.close() }
            let page = try await browser.newPage()

            try await page.evaluate("setTimeout(() => { throw new Error('boom') }, 0); console.error('logged')")
            try await Task.sleep(for: .milliseconds(300))
            let errors = page.errors
            #expect(errors.contains { $0.contains("boom") })
            #expect(errors.contains { $0.contains("logged") })
        }

        @Test func evaluateThrowsPageException() async throws {
            let browser = try Browser.launch()
            defer { browser.close() }
            let page = try await browser.newPage()

            await #expect(throws: BrowserError.self) { try await page.evaluate("undefinedName.property") }
        }
    }

}
