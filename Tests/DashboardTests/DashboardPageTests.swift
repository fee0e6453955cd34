import Foundation
import Testing

extension DashboardTests {
    @Suite("Dashboard pages")
    struct DashboardPageTests {
        /// Route, the section that marks it ready, and the screenshot name.
        static func routes(incident: String) -> [(route: String, section: String, name: String)] {
            [
                ("/incidents", "incidents", "incidents"),
                ("/incidents/\(incident)", "incidents", "incident"),
                ("/policies", "policies", "policies"),
                ("/policies/compromised_vm", "policies", "policy"),
                ("/data-sources", "data-sources", "data-sources"),
                ("/data-sources/ids", "data-sources", "data-source"),
            ]
        }

        /// The README's screenshots, written only when AGORA_UPDATE_SCREENSHOTS=1, so that test runs leave
        /// the checked-in files alone.
        static var documentationDirectory: URL? {
            guard ProcessInfo.processInfo.environment["AGORA_UPDATE_SCREENSHOTS"] == "1" else { return nil }
            return DashboardTarget.repositoryRoot.appendingPathComponent("docs/screenshots")
        }

        @Test(arguments: [(1280, 800), (390, 844)])
        func pagesLoadWithoutOverflow(width: Int, height: Int) async throws {
            let session = try await DashboardSession.open(as: nil, width: width, height: height)
            defer { session.close() }
            try await session.target.appendOrdinaryTraffic(count: 200)

            try await session.waitUntilReady("login")
            try await session.screenshot("\(width)x\(height)-login")
            if width == 1280, let directory = Self.documentationDirectory {
                try await session.page.screenshot(directory.appendingPathComponent("login.png"))
            }
            try await session.signIn(token: session.target.adminToken)
            for (route, section, name) in Self.routes(incident: session.incidentID) {
                try await session.show(route, section: section)
                let heading = try await session.text("main h1")
                #expect(heading?.isEmpty == false, "\(route) has no heading")
                let overflow = try await session.page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
                #expect(overflow == 0, "\(route) is wider than \(width) px by \(overflow)")
                let leaked = try await session.page.evaluate(
                    "document.getElementById('main').innerText.match(/\\b(null|undefined|NaN)\\b|\\[object Object\\]/)?.[0] ?? ''"
                )
                #expect(leaked == "", "\(route) shows a placeholder value: \(leaked)")
                try await session.screenshot("\(width)x\(height)-\(name)")
                if width == 1280, let directory = Self.documentationDirectory {
                    try await session.page.screenshot(directory.appendingPathComponent("\(name).png"))
                }
            }
        }

        @Test func darkModeChangesColours() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            let background = "getComputedStyle(document.body).backgroundColor"

            try await session.page.setColorScheme("light")
            let light = try await session.page.evaluate(background)
            try await session.page.setColorScheme("dark")
            let dark = try await session.page.evaluate(background)

            #expect(light == "rgb(255, 255, 255)")
            #expect(dark == "rgb(15, 20, 25)")
            try await session.show("/incidents/\(session.incidentID)", section: "incidents")
            try await session.screenshot("1280x800-incident-dark")
        }

        @Test func markupInDataStaysText() async throws {
            let seen = Date().addingTimeInterval(-60)
            let session = try await DashboardSession.open(as: .admin) { database in
                let incident = SeedIncidents.incident(
                    id: "inc-markup", vmName: "<script>alert(1)</script>", project: SeedIncidents.otherProject,
                    seen: seen, externalIPs: ["<b>203.0.113.10</b>"], warning: "address is <i>shared</i>")
                try SeedIncidents.save([incident], in: database)
            }
            defer { session.close() }
            let admin = session.target.admin
            try await admin.send(
                "POST", "/v1/incidents/inc-markup/notes",
                body: ["text": "<img src=x onerror=\"window.__injected = true\">"], expect: 201)
            let rule = try await admin.send(
                "POST", "/v1/policies/compromised_vm/rules",
                body: ["rule": "trusted(\"vm-7\")", "name": "<script>alert(1)</script>"], expect: 201)
            let ruleID = try #require(rule["id"]?.stringValue)

            try await session.show("/incidents", section: "incidents")
            let link = try await session.text("tr[data-incident-id='inc-markup'] .vm-link")
            #expect(link == "<script>alert(1)</script>")
            let externalIPs = try await session.text(
                "tr[data-incident-id='inc-markup'] td[data-label='External IPs']")
            #expect(externalIPs == "<b>203.0.113.10</b>")

            try await session.show("/incidents/inc-markup", section: "incidents")
            #expect(try await session.text(".vm-name") == "<script>alert(1)</script>")
            #expect(try await session.text(".note-text") == "<img src=x onerror=\"window.__injected = true\">")
            #expect(try await session.text("#attribution-warning")?.contains("<i>shared</i>") == true)

            try await session.show("/policies/compromised_vm", section: "policies")
            #expect(
                try await session.text("li[data-rule-id='\(ruleID)'] .rule-name") == "<script>alert(1)</script>")

            #expect(try await session.count("main script, main img, main b, main i") == 0)
            #expect(try await session.page.evaluate("window.__injected === undefined") == true)
        }

        @Test func dataSourcePagesShowStatusAndChart() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            try await session.target.appendOrdinaryTraffic(count: 100)

            try await session.show("/data-sources", section: "data-sources")
            #expect(try await session.count("#data-source-table tbody tr") == 3)
            for name in ["ids", "blocklist", "simulated"] {
                #expect(try await session.count("tr[data-source='\(name)']") == 1, "no row for data source \(name)")
            }

            // The service adds a point for each full minute it has run, so the first one takes a minute.
            var points = 0
            let deadline = Date().addingTimeInterval(75)
            while points == 0 && Date() < deadline {
                try await Task.sleep(for: .seconds(2))
                try session.target.appendOrdinaryTraffic(count: 20)
                let rates = try await session.target.admin.send("GET", "/v1/data-sources/ids/rates")
                points = rates["points"]?.arrayValue?.count ?? 0
            }
            #expect(points > 0)
            try await session.show("/data-sources/ids", section: "data-sources")
            #expect(try await session.count("svg.chart rect.bar") == points)
            let label = try await session.page.evaluate(
                "document.querySelector('svg.chart').getAttribute('aria-label')")
            #expect(label.stringValue?.contains("records per second") == true)
            #expect(try await session.count("#table-counts tbody tr") > 0)

            try await session.show("/data-sources/blocklist", section: "data-sources")
            let rows = try await session.page.evaluate(
                """
                [...document.querySelectorAll('#table-counts tbody tr')]
                    .map((row) => row.innerText.replace(/\\s+/g, ' ').trim())
                """)
            #expect(rows.arrayValue?.contains("blocklist:networks 3") == true, "rows per table: \(rows)")
        }
    }
}
