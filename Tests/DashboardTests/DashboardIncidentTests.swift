import Foundation
import Testing

extension DashboardTests {
    @Suite("Dashboard incidents")
    struct DashboardIncidentTests {
        @Test func incidentAppearsWithoutReload() async throws {
            let session = try await DashboardSession.open(as: .operator, infect: false)
            defer { session.close() }
            try await session.page.waitFor("document.querySelector('.live-status')?.dataset.state === 'live'")
            try await session.page.evaluate("window.__sameDocument = true")
            #expect(try await session.count("#incident-rows tr") == 0)
            #expect(try await session.page.evaluate("document.getElementById('approval-badge').hidden") == true)

            let id = try await session.target.infect()

            let row = "tr[data-incident-id='\(id)']"
            try await session.page.waitFor("document.querySelector(\(jsString(row))) !== null")
            #expect(try await session.text("\(row) .vm-link") == "web-1")
            #expect(try await session.text("\(row) td[data-label='Source IP']") == DashboardTarget.infectedAddress)
            #expect(try await session.page.evaluate("window.__sameDocument") == true)
            try await session.page.waitFor(
                "document.getElementById('approval-badge').textContent === '1 incident waits for approval'")
            try await session.page.waitFor("document.querySelector(\(jsString(row + " .badge-waiting"))) !== null")
            try await session.screenshot("1280x800-incident-live")
        }

        @Test func filtersByStateAndProject() async throws {
            let seen = Date().addingTimeInterval(-600)
            let session = try await DashboardSession.open(as: .admin) { database in
                try SeedIncidents.save(
                    [
                        SeedIncidents.incident(
                            id: "inc-old", vmName: "db-9", project: SeedIncidents.otherProject, state: .resolved,
                            seen: seen)
                    ], in: database)
            }
            defer { session.close() }
            #expect(try await session.count("#incident-rows tr") == 2)

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
            #expect(try await session.count("tr[data-incident-id='\(session.incidentID)'][data-state='open']") == 1)
            #expect(try await session.page.evaluate("location.hash") == "#/incidents?state=open")

            try await choose("#filter-state", "")
            // The admin's identity lists no projects, so the test adds the option the way a link with
            // ?project_id= would.
            try await session.page.evaluate(
                """
                document.getElementById('filter-project')
                    .append(new Option('other', \(jsString(SeedIncidents.otherProject))))
                """)
            try await choose("#filter-project", SeedIncidents.otherProject)
            try await session.page.waitFor(
                "document.querySelectorAll('#incident-rows tr').length === 1"
                    + " && document.querySelector(\"tr[data-incident-id='inc-old']\") !== null")
            #expect(try await session.count("tr[data-incident-id='inc-old'][data-state='resolved']") == 1)
        }

        @Test func proofTreeRendersAndCollapses() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            try await session.show("/incidents/\(session.incidentID)", section: "incidents")

            #expect(try await session.count(".proof-tree .proof-node") > 5)
            let root = try await session.text(".proof-tree > li > details > summary .literal")
            #expect(root?.hasPrefix("error(") == true, "root of the proof: \(root ?? "none")")
            #expect(try await session.count(".proof-tree .rule-text") >= 2)
            let packet = try await session.page.evaluate(
                "[...document.querySelectorAll('.proof-tree .literal')].some((n) => n.textContent.startsWith('ids:ip_packet('))"
            )
            #expect(packet == true)

            let nested = ".proof-node[data-basis='rule'] .proof-node[data-basis='rule'] > details"
            let closedBefore = try await session.page.evaluate(
                "document.querySelector(\(jsString(nested))).open")
            try await session.page.click(nested + " > summary")
            #expect(
                try await session.page.evaluate("document.querySelector(\(jsString(nested))).open")
                    == .bool(closedBefore.boolValue == false))

            try await session.page.click("button[data-proof='collapse']")
            #expect(try await session.count(".proof-tree details[open]") == 0)
            try await session.page.evaluate("document.querySelector('.proof-tree summary').focus()")
            try await session.page.press("Enter")
            #expect(try await session.count(".proof-tree details[open]") == 1)
        }

        @Test func evidenceAndTimelineShown() async throws {
            let session = try await DashboardSession.open(as: .admin)
            defer { session.close() }
            try await session.show("/incidents/\(session.incidentID)", section: "incidents")

            #expect(try await session.count("#evidence-table tbody tr") >= 2)
            let tables = try await session.page.evaluate(
                "[...document.querySelectorAll('#evidence-table tbody tr')].map((row) => row.dataset.table)")
            #expect(tables.arrayValue?.contains { $0.stringValue?.hasPrefix("ids:") == true } == true, "\(tables)")
            let blocklist = try await session.text(
                "#evidence-table tr[data-table^='blocklist:'] td[data-label='Table']")
            #expect(blocklist?.contains("Matched blocklist entry") == true)
            #expect(try await session.text("#evidence-table")?.contains("203.0.113.66") == true)

            let kinds = try await session.page.evaluate(
                "[...document.querySelectorAll('#actions .action-card .timeline li')].map((li) => li.dataset.kind)")
            #expect(kinds.arrayValue?.first == "requested", "timeline: \(kinds)")
            #expect(kinds.arrayValue?.contains("held") == true, "timeline: \(kinds)")
        }

        @Test func approveAndReleaseChangeState() async throws {
            let session = try await DashboardSession.open(as: .operator)
            defer { session.close() }
            try await session.show("/incidents/\(session.incidentID)", section: "incidents")
            #expect(try await session.text("main h1 .badge") == "open")

            try await session.page.click("button[data-action='approve']")
            try await session.page.waitFor("document.querySelector('dialog[open]') !== null")
            #expect(try await session.text("dialog[open] p")?.contains("quarantine") == true)
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor(
                "document.querySelector('main h1 .badge')?.textContent === 'contained'", timeout: 20)
            #expect(try await session.text("main .message-ok")?.hasPrefix("Approved 1 action") == true)
            try await session.page.waitFor("document.querySelector(\".timeline li[data-kind='verified']\") !== null")
            #expect(
                try await session.page.evaluate("document.querySelector(\"button[data-action='approve']\").disabled")
                    == true)
            try await session.screenshot("1280x800-incident-contained")

            try await session.page.click("button[data-action='release']")
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor(
                "document.querySelector('main h1 .badge')?.textContent === 'released'", timeout: 20)
            #expect(try await session.text("main .message-ok")?.hasPrefix("Released 1 action") == true)

            try await session.show("/incidents", section: "incidents")
            #expect(try await session.count("tr[data-incident-id='\(session.incidentID)'][data-state='released']") == 1)
            let state = try await session.target.admin.send("GET", "/v1/incidents/\(session.incidentID)")["state"]
            #expect(state == "released")
        }

        @Test func failedActionShowsServiceMessage() async throws {
            let session = try await DashboardSession.open(as: .operator)
            defer { session.close() }
            try await session.show("/incidents/\(session.incidentID)", section: "incidents")

            // Blank text passes the form's `required` check, and the service rejects it.
            try await session.page.click("button[data-action='note']")
            try await session.page.type("#dialog-field-text", "   ")
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor("document.querySelector('main .message-error') !== null")
            #expect(
                try await session.text("main .message-error")
                    == "Adding the note failed: Bad Request::the note's text is empty")
        }

        @Test func dialogTrapsFocusAndClosesOnEscape() async throws {
            let session = try await DashboardSession.open(as: .operator)
            defer { session.close() }
            try await session.show("/incidents/\(session.incidentID)", section: "incidents")
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

        @Test func viewerSeesNoApproveButton() async throws {
            let session = try await DashboardSession.open(as: .viewer)
            defer { session.close() }
            #expect(try await session.count("#incident-rows tr") == 1)
            try await session.page.waitFor(
                "document.getElementById('approval-badge').textContent === '1 incident waits for approval'")

            try await session.show("/incidents/\(session.incidentID)", section: "incidents")
            #expect(try await session.count(".proof-tree .proof-node") > 0)
            #expect(try await session.count("button[data-action='approve']") == 0)
            #expect(try await session.count("button[data-action]") == 0)
            #expect(try await session.count("#incident-controls") == 0)

            try await session.show("/policies/compromised_vm", section: "policies")
            #expect(try await session.count("#add-rule-form") == 0)
            #expect(try await session.count("#mode-select") == 0)
            #expect(try await session.text("#policy-mode") == "approve")
            let text = try await session.page.evaluate("document.getElementById('main').innerText")
            #expect(text.stringValue?.contains("null") == false)
        }
    }
}
