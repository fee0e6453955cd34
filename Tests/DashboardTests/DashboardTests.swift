// Browser tests of the dashboard in Sources/Agora/Resources/dashboard.
//
// Run them with:
//
//     swift test --filter DashboardTests
//
// They need Debian's `chromium` (`apt-get install -y chromium`; `AGORA_CHROMIUM` names another
// executable) and `python3`, which runs the fixture server in Fixtures/fixture_server.py on 127.0.0.1.
// Each test starts its own server and browser and kills both by PID at the end. Screenshots go to
// .build/dashboard-screenshots/. Where the dashboard runs and which tokens sign in is set in
// DashboardTarget.swift alone.

import Foundation
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

extension DashboardTests {
    @Suite("Dashboard pages")
    struct DashboardPageTests {
        static let routes: [(route: String, section: String, name: String)] = [
            ("/incidents", "incidents", "incidents"),
            ("/incidents/inc-1", "incidents", "incident"),
            ("/policies", "policies", "policies"),
            ("/policies/compromised_vm", "policies", "policy"),
            ("/data-sources", "data-sources", "data-sources"),
            ("/data-sources/ds-ids", "data-sources", "data-source"),
        ]

        @Test(arguments: [(1280, 800), (390, 844)])
        func pagesLoadWithoutOverflow(width: Int, height: Int) async throws {
            let session = try await DashboardSession.open(as: .admin, width: width, height: height)
            defer { session.close() }

            try await session.show("/login", section: "login")
            try await session.screenshot("\(width)x\(height)-login")
            for (route, section, name) in Self.routes {
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
            try await session.show("/incidents/inc-1", section: "incidents")
            try await session.screenshot("1280x800-incident-dark")
        }

        @Test func markupInDataStaysText() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }

            let link = try await session.text("tr[data-incident-id='inc-2'] .vm-link")
            #expect(link == "<script>alert(1)</script>")
            let externalIPs = try await session.text("tr[data-incident-id='inc-2'] td[data-label='External IPs']")
            #expect(externalIPs == "<b>203.0.113.10</b>")

            try await session.show("/incidents/inc-2", section: "incidents")
            #expect(try await session.text(".vm-name") == "<script>alert(1)</script>")
            #expect(try await session.text(".note-text") == "<img src=x onerror=\"window.__injected = true\">")
            #expect(try await session.text("#attribution-warning")?.contains("<i>shared</i>") == true)

            try await session.show("/policies/compromised_vm", section: "policies")
            #expect(try await session.text("li[data-rule-id='r-5'] .rule-name") == "<script>alert(1)</script>")

            #expect(try await session.count("main script, main img, main b, main i") == 0)
            #expect(try await session.page.evaluate("window.__injected === undefined") == true)
        }

        @Test func dataSourcePagesShowStatusAndChart() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }

            try await session.show("/data-sources", section: "data-sources")
            #expect(try await session.count("#data-source-table tbody tr") == 3)
            let novaError = try await session.text("tr[data-source='nova'] .last-error")
            #expect(novaError == "Keystone answered 503 <Service Unavailable>")

            try await session.show("/data-sources/ds-ids", section: "data-sources")
            #expect(try await session.count("svg.chart rect.bar") == 60)
            #expect(try await session.count("#table-counts tbody tr") == 3)
            let label = try await session.page.evaluate(
                "document.querySelector('svg.chart').getAttribute('aria-label')")
            #expect(label.stringValue?.contains("records per second") == true)

            try await session.show("/data-sources/ds-drop", section: "data-sources")
            #expect(try await session.text("#table-counts tbody td[data-label='Rows']") == "2")
        }
    }

}

extension DashboardTests {
    @Suite("Dashboard incidents")
    struct DashboardIncidentTests {
        @Test func incidentAppearsWithoutReload() async throws {
            let session = try await DashboardSession.open(as: .operator)
            defer { session.close() }
            try await session.page.waitFor("document.querySelector('.live-status')?.dataset.state === 'live'")
            try await session.page.evaluate("window.__sameDocument = true")
            #expect(try await session.text("#approval-badge") == "1 incident waits for approval")

            try await session.target.openIncident(id: "inc-live", vmName: "db-9", on: session.page)

            try await session.page.waitFor("document.querySelector(\"tr[data-incident-id='inc-live']\") !== null")
            #expect(try await session.text("tr[data-incident-id='inc-live'] .vm-link") == "db-9")
            #expect(try await session.page.evaluate("window.__sameDocument") == true)
            let first = try await session.page.evaluate(
                "document.querySelector('#incident-rows tr').dataset.incidentId")
            #expect(first == "inc-live")
            try await session.page.waitFor("document.getElementById('approval-badge').textContent.startsWith('2 ')")
        }

        @Test func filtersByStateAndProject() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            #expect(try await session.count("#incident-rows tr") == 3)

            let choose = { (selector: String, value: String) in
                try await session.page.evaluate(
                    """
                    (() => {
                        const select = document.querySelector(\(jsString(selector)));
                        select.value = \(jsString(value));
                        select.dispatchEvent(new Event('change', { bubbles: true }));
                    })()
                    """)
            }
            try await choose("#filter-state", "open")
            try await session.page.waitFor("document.querySelectorAll('#incident-rows tr').length === 1")
            #expect(try await session.count("#incident-rows tr[data-state='open']") == 1)
            #expect(try await session.page.evaluate("location.hash") == "#/incidents?state=open")

            try await choose("#filter-state", "")
            try await choose("#filter-project", "proj-b")
            try await session.page.waitFor(
                "document.querySelectorAll('#incident-rows tr').length === 1"
                    + " && document.querySelector(\"tr[data-incident-id='inc-3']\") !== null")
            #expect(try await session.count("tr[data-incident-id='inc-3']") == 1)
        }

        @Test func proofTreeRendersAndCollapses() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            try await session.show("/incidents/inc-1", section: "incidents")

            #expect(try await session.count(".proof-tree .proof-node") == 15)
            let root = try await session.text(".proof-tree > li > details > summary .literal")
            #expect(root?.hasPrefix("error(\"vm-1\"") == true)
            #expect(
                try await session.text(".proof-node[data-basis='absence'] .literal") == "not protected_vm(\"vm-1\")")
            #expect(try await session.count(".proof-node[data-basis='truncated']") == 1)
            #expect(try await session.count(".proof-tree .rule-text") == 3)

            let rule = ".proof-node[data-basis='rule']"
            let badDestination = "\(rule) \(rule) \(rule) > details"
            #expect(
                try await session.page.evaluate("document.querySelector(\(jsString(badDestination))).open") == false)
            try await session.page.click(badDestination + " > summary")
            #expect(try await session.page.evaluate("document.querySelector(\(jsString(badDestination))).open") == true)

            try await session.page.click("button[data-proof='collapse']")
            #expect(try await session.count(".proof-tree details[open]") == 0)
            try await session.page.evaluate("document.querySelector('.proof-tree summary').focus()")
            try await session.page.press("Enter")
            #expect(try await session.count(".proof-tree details[open]") == 1)
        }

        @Test func evidenceAndTimelineShown() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            try await session.show("/incidents/inc-1", section: "incidents")

            #expect(try await session.count("#evidence-table tbody tr") == 3)
            let blocklist = try await session.text(
                "#evidence-table tr[data-table='blocklist:networks'] td[data-label='Table']")
            #expect(blocklist?.contains("Matched blocklist entry") == true)
            #expect(try await session.count("article[data-action-id='act-2'] .timeline li") == 2)
            #expect(
                try await session.text("article[data-action-id='act-2'] .timeline li[data-kind='held'] strong")
                    == "held")

            try await session.show("/incidents/inc-2", section: "incidents")
            let derived = try await session.page.evaluate(
                "[...document.querySelectorAll(\"article[data-action-id='act-3'] .timeline li\")].map((li) => li.dataset.kind)"
            )
            #expect(derived == ["requested", "decided", "executed", "verified"])
        }

        @Test func approveAndReleaseChangeState() async throws {
            let session = try await DashboardSession.open(as: .operator)
            defer { session.close() }
            try await session.show("/incidents/inc-1", section: "incidents")
            #expect(try await session.text("main h1 .badge") == "open")

            try await session.page.click("button[data-action='approve']")
            try await session.page.waitFor("document.querySelector('dialog[open]') !== null")
            #expect(try await session.text("dialog[open] p")?.contains("quarantine, port_down") == true)
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor("document.querySelector('main h1 .badge')?.textContent === 'contained'")
            #expect(try await session.text("main .message-ok")?.hasPrefix("Approved 2 actions") == true)
            #expect(try await session.count(".timeline li[data-kind='approved']") == 2)
            #expect(
                try await session.page.evaluate("document.querySelector(\"button[data-action='approve']\").disabled")
                    == true)

            try await session.page.click("button[data-action='release']")
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor("document.querySelector('main h1 .badge')?.textContent === 'released'")
            #expect(try await session.text("main .message-ok")?.hasPrefix("Released 2 actions") == true)

            try await session.show("/incidents", section: "incidents")
            #expect(try await session.count("tr[data-incident-id='inc-1'][data-state='released']") == 1)
        }

        @Test func failedActionShowsServiceMessage() async throws {
            let session = try await DashboardSession.open(as: .operator)
            defer { session.close() }
            try await session.show("/incidents/inc-2", section: "incidents")

            // Blank text passes the form's `required` check, and the service rejects it.
            try await session.page.click("button[data-action='note']")
            try await session.page.type("#dialog-field-text", "   ")
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor("document.querySelector('main .message-error') !== null")
            #expect(
                try await session.text("main .message-error")
                    == "Adding the note failed: Bad Request::The note's text is empty.")
        }

        @Test func dialogTrapsFocusAndClosesOnEscape() async throws {
            let session = try await DashboardSession.open(as: .operator)
            defer { session.close() }
            try await session.show("/incidents/inc-1", section: "incidents")
            let notesBefore = try await session.count("#notes li")

            try await session.page.click("button[data-action='note']")
            try await session.page.waitFor("document.activeElement?.id === 'dialog-field-text'")
            for step in 1...5 {
                try await session.page.press("Tab")
                let inside = try await session.page.evaluate(
                    "document.querySelector('dialog[open]').contains(document.activeElement)")
                #expect(inside == true, "focus left the dialog after \(step) Tab presses")
            }
            try await session.page.press("Tab", shift: true)
            #expect(
                try await session.page.evaluate(
                    "document.querySelector('dialog[open]').contains(document.activeElement)") == true)

            try await session.page.press("Escape")
            #expect(try await session.count("dialog") == 0)
            #expect(try await session.page.evaluate("document.activeElement.dataset.action") == "note")
            #expect(try await session.count("#notes li") == notesBefore)

            try await session.page.click("button[data-action='note']")
            try await session.page.type("#dialog-field-text", "<b>Owner</b> confirmed the VM is compromised.")
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor("document.querySelectorAll('#notes li').length === \(notesBefore + 1)")
            let texts = try await session.page.evaluate(
                "[...document.querySelectorAll('.note-text')].map((n) => n.textContent)")
            #expect(texts.arrayValue?.last == "<b>Owner</b> confirmed the VM is compromised.")
        }

        @Test func viewerSeesNoChangeControls() async throws {
            let session = try await DashboardSession.open(as: .viewer)
            defer { session.close() }
            #expect(try await session.count("#incident-rows tr") == 2)

            try await session.show("/incidents/inc-1", section: "incidents")
            #expect(try await session.count(".proof-tree .proof-node") == 15)
            #expect(try await session.count("button[data-action]") == 0)
            #expect(try await session.count("#incident-controls") == 0)
            #expect(try await session.text("main")?.contains("null") == false)

            try await session.show("/policies/compromised_vm", section: "policies")
            #expect(try await session.count("#add-rule-form") == 0)
            #expect(try await session.count("#mode-select") == 0)
            #expect(try await session.text("#policy-mode") == "approve")
            let text = try await session.page.evaluate("document.getElementById('main').innerText")
            #expect(text.stringValue?.contains("null") == false)
        }
    }

}

extension DashboardTests {
    @Suite("Dashboard policies and login")
    struct DashboardPolicyTests {
        @Test func ruleErrorMarksLineAndColumn() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            try await session.show("/policies/compromised_vm", section: "policies")

            let rule = "p(x) :-\n  q(x), @r(x)"
            try await session.page.type("#rule-text", rule)
            try await session.page.click("#add-rule")
            try await session.page.waitFor("document.querySelector('#rule-error-preview mark') !== null")

            #expect(try await session.text("#rule-error-message")?.hasPrefix("Line 2, column 9: ") == true)
            #expect(try await session.text("#rule-error-preview mark") == "@")
            #expect(try await session.text("#rule-error-preview .caret-line") == String(repeating: " ", count: 8) + "^")
            #expect(try await session.page.evaluate("document.getElementById('rule-text').selectionStart") == 16)
            #expect(try await session.page.evaluate("document.activeElement.id") == "rule-text")
            #expect(
                try await session.page.evaluate("document.getElementById('rule-text').getAttribute('aria-invalid')")
                    == "true")
            #expect(session.page.networkErrors.contains { $0.contains("400") })

            try await session.page.clear("#rule-text")
            try await session.page.type("#rule-text", "trusted(\"vm-7\")")
            try await session.page.click("#add-rule")
            try await session.page.waitFor("document.querySelectorAll('#rule-list > li').length === 6")
            #expect(try await session.count("#rule-error-preview") == 0)
        }

        @Test func rulesAreHighlighted() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            try await session.show("/policies/compromised_vm", section: "policies")

            let tokens = try await session.page.evaluate(
                """
                (() => {
                    const texts = (type) => [...document.querySelectorAll('#rule-list .tok-' + type)].map((s) => s.textContent);
                    return { comment: texts('comment'), string: texts('string'), number: texts('number'),
                             operator: texts('operator'), keyword: texts('keyword'), execute: texts('execute'),
                             service: texts('service'), table: texts('table') };
                })()
                """)
            #expect(tokens["comment"] == ["// one row per flagged VM and bad contact", "# on demand"])
            #expect(tokens["number"] == ["1"])
            #expect(tokens["keyword"] == ["not"])
            #expect(tokens["execute"] == ["execute", "[", "]"])
            #expect(tokens["string"]?.arrayValue?.contains("\"quarantine\"") == true)
            #expect(tokens["operator"]?.arrayValue?.count == 3)
            #expect(tokens["service"]?.arrayValue?.contains("blocklist:") == true)
            #expect(tokens["service"]?.arrayValue?.contains("agora:") == true)
            #expect(tokens["table"]?.arrayValue?.contains("ip_packet") == true)
        }

        @Test func modeChangeAndSimulate() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            try await session.show("/policies/compromised_vm", section: "policies")

            try await session.page.evaluate("document.getElementById('mode-select').value = 'enforce'")
            try await session.page.click("#mode-form button[type='submit']")
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor("document.querySelector('#mode-form .message-ok') !== null")
            #expect(try await session.text("#mode-form .message-ok") == "The mode of compromised_vm is now enforce.")

            try await session.page.type("#simulate-sequence", "nova:servers+(\"vm-9\", \"proj-a\")")
            try await session.page.click("#simulate-form button[type='submit']")
            try await session.page.waitFor("document.querySelector('#simulate-actions') !== null")
            #expect(try await session.count("#simulate-changes li") == 1)
            #expect(try await session.text("#simulate-actions li")?.hasPrefix("execute[agora:quarantine") == true)

            try await session.page.clear("#simulate-query")
            try await session.page.click("#simulate-form button[type='submit']")
            try await session.page.waitFor("document.querySelector('#simulate-form .message-error') !== null")
            #expect(
                try await session.text("#simulate-form .message-error")?.contains("Simulate requires parameters")
                    == true)
        }

        @Test func badTokenShowsServiceMessage() async throws {
            let session = try await DashboardSession.open(as: nil)
            defer { session.close() }
            try await session.waitUntilReady("login")

            try await session.page.type("#login-token", "not-a-token")
            try await session.page.click("#login-submit")
            try await session.page.waitFor("document.querySelector('#login-form .message-error') !== null")
            #expect(
                try await session.text("#login-form .message-error")
                    == "Sign-in failed: Unauthorized::The token is missing, invalid or expired.")
            #expect(try await session.page.evaluate("sessionStorage.getItem('agora.token')") == .null)
            #expect(try await session.page.evaluate("document.getElementById('site-nav').hidden") == true)
        }

        @Test func keyboardReachesNavigation() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            // A fresh load puts the start of sequential focus navigation at the top of the document.
            try await session.page.navigate(session.target.dashboardURL + "?reload#/incidents")
            try await session.waitUntilReady("incidents")

            var reached: [String] = []
            for _ in 1...6 {
                try await session.page.press("Tab")
                let label = try await session.page.evaluate("document.activeElement.textContent.trim()")
                reached.append(label.stringValue ?? "")
            }
            #expect(
                reached.starts(with: ["Skip to content", "Agora", "Incidents", "Policies", "Data sources", "Sign out"]))
            let outline = try await session.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            #expect(outline == "solid")

            try await session.page.press("Enter")
            try await session.waitUntilReady("login")
        }
    }
}
