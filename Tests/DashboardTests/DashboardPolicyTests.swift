import Foundation
import Testing

extension DashboardTests {
    @Suite("Dashboard policies and login")
    struct DashboardPolicyTests {
        @Test func ruleErrorMarksLineAndColumn() async throws {
            let session = try await DashboardSession.open(as: .admin, infect: false)
            defer { session.close() }
            try await session.show("/policies/compromised_vm", section: "policies")
            let rulesBefore = try await session.count("#rule-list > li")
            #expect(rulesBefore > 0)

            let rule = "p(x) :-\n  q(x), @r(x)"
            try await session.page.type("#rule-text", rule)
            try await session.page.click("#add-rule")
            try await session.page.waitFor("document.querySelector('#rule-error-preview mark') !== null")

            let message = try await session.text("#rule-error-message")
            #expect(message?.hasPrefix("Line 2, column 9: ") == true, "message: \(message ?? "none")")
            #expect(message?.contains("unexpected character '@'") == true, "message: \(message ?? "none")")
            #expect(try await session.text("#rule-error-preview mark") == "@")
            #expect(try await session.text("#rule-error-preview .caret-line") == String(repeating: " ", count: 8) + "^")
            #expect(try await session.page.evaluate("document.getElementById('rule-text').selectionStart") == 16)
            #expect(try await session.page.evaluate("document.activeElement.id") == "rule-text")
            #expect(
                try await session.page.evaluate("document.getElementById('rule-text').getAttribute('aria-invalid')")
                    == "true")
            #expect(session.page.networkErrors.contains { $0.contains("400") })
            try await session.screenshot("1280x800-rule-error")

            try await session.page.clear("#rule-text")
            try await session.page.type("#rule-text", "trusted(\"vm-7\")")
            try await session.page.click("#add-rule")
            try await session.page.waitFor("document.querySelectorAll('#rule-list > li').length === \(rulesBefore + 1)")
            #expect(try await session.count("#rule-error-preview") == 0)
        }

        @Test func rulesAreHighlighted() async throws {
            let session = try await DashboardSession.open(as: .admin, infect: false)
            defer { session.close() }
            try await session.target.admin.send(
                "POST", "/v1/policies/compromised_vm/rules",
                body: ["rule": "// one row per trusted VM\nquiet(vm) :- nova:servers(id=vm), not flagged(vm, 1)"],
                expect: 201)
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
            #expect(tokens["comment"]?.arrayValue?.contains("// one row per trusted VM") == true, "\(tokens)")
            #expect(tokens["number"]?.arrayValue?.contains("900") == true)
            #expect(tokens["keyword"]?.arrayValue?.contains("not") == true)
            #expect(tokens["execute"]?.arrayValue?.contains("execute") == true)
            #expect(tokens["string"]?.arrayValue?.contains("\"quarantine\"") == true)
            #expect((tokens["operator"]?.arrayValue?.count ?? 0) > 0)
            for service in ["ids:", "blocklist:", "agora:", "nova:", "neutronv2:"] {
                #expect(tokens["service"]?.arrayValue?.contains(.string(service)) == true, "no \(service) token")
            }
            #expect(tokens["table"]?.arrayValue?.contains("ip_packet") == true)
        }

        @Test func modeChangeAndSimulate() async throws {
            let session = try await DashboardSession.open(as: .admin, infect: false)
            defer { session.close() }
            try await session.show("/policies/compromised_vm", section: "policies")

            try await session.page.evaluate("document.getElementById('mode-select').value = 'enforce'")
            try await session.page.click("#mode-form button[type='submit']")
            try await session.page.click("dialog[open] button[data-dialog='confirm']")
            try await session.page.waitFor("document.querySelector('#mode-form .message-ok') !== null")
            #expect(try await session.text("#mode-form .message-ok") == "The mode of compromised_vm is now enforce.")
            let mode = try await session.target.admin.send("GET", "/v1/policies/compromised_vm")["mode"]
            #expect(mode == "enforce")

            // web-2 contacts a listed address in the simulation only.
            try await session.page.type("#simulate-sequence", "ids:ip_packet+(\"10.10.1.12\", \"203.0.113.66\")")
            try await session.page.click("#simulate-form button[type='submit']")
            try await session.page.waitFor("document.querySelector('#simulate-changes') !== null")
            #expect(try await session.count("#simulate-changes li") == 1)
            #expect(try await session.text("#simulate-changes li")?.contains("\"10.10.1.12\"") == true)

            try await session.page.clear("#simulate-query")
            try await session.page.type("#simulate-query", "execute[agora:quarantine(vm, src)]")
            try await session.page.click("#simulate-form button[type='submit']")
            try await session.page.waitFor("document.querySelector('#simulate-actions') !== null")
            #expect(try await session.text("#simulate-actions li")?.hasPrefix("execute[agora:quarantine") == true)

            try await session.page.clear("#simulate-query")
            try await session.page.click("#simulate-form button[type='submit']")
            try await session.page.waitFor("document.querySelector('#simulate-form .message-error') !== null")
            #expect(
                try await session.text("#simulate-form .message-error")?.contains("write exactly one atom or rule")
                    == true)
            let incidents = try await session.target.admin.send("GET", "/v1/incidents")["results"]?.arrayValue
            #expect(incidents?.isEmpty == true, "a simulation opened an incident")
        }

        @Test func badTokenShowsServiceMessage() async throws {
            let session = try await DashboardSession.open(as: nil, infect: false)
            defer { session.close() }
            try await session.waitUntilReady("login")

            try await session.page.type("#login-token", "not-a-token")
            try await session.page.click("#login-submit")
            try await session.page.waitFor("document.querySelector('#login-form .message-error') !== null")
            let shown = try await session.text("#login-form .message-error") ?? ""
            #expect(shown.hasPrefix("Sign-in failed: Unauthorized::send a valid token in X-Auth-Token"))
            #expect(shown.contains("admin-token"))
            #expect(try await session.page.evaluate("sessionStorage.getItem('agora.token')") == .null)
            #expect(try await session.page.evaluate("document.getElementById('site-nav').hidden") == true)
        }

        @Test func keyboardReachesNavigation() async throws {
            let session = try await DashboardSession.open(as: .admin, infect: false)
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
