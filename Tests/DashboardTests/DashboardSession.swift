import Foundation
import Store
import Testing

/// A dashboard target, a headless browser and one page, signed in with one role's token.
struct DashboardSession {
    enum Role: String {
        case admin
        case `operator`
        case viewer
    }

    let target: DashboardTarget
    let browser: Browser
    let page: BrowserPage
    /// The incident that `web-1`'s infection opened before sign-in, when `infect` was set.
    let incidentID: String

    /// Starts the target and the browser, sets the viewport and, unless `role` is nil, signs in through
    /// the login page. With `infect`, `web-1` contacts a blocklisted address first, so an incident with
    /// a held quarantine is open when the page loads. `seed` writes to the store before the service starts.
    static func open(
        as role: Role? = .admin, width: Int = 1280, height: Int = 800, infect: Bool = true,
        seed: ((any Database) throws -> Void)? = nil
    ) async throws -> DashboardSession {
        let target = try await DashboardTarget.start(seed: seed)
        var incidentID = ""
        do {
            if infect { incidentID = try await target.infect() }
        } catch {
            target.stop()
            throw error
        }
        let browser: Browser
        do {
            browser = try Browser.launch()
        } catch {
            target.stop()
            throw error
        }

        let session: DashboardSession
        do {
            let page = try await browser.newPage()
            session = DashboardSession(target: target, browser: browser, page: page, incidentID: incidentID)
            try await page.setViewport(width: width, height: height)
            try await page.navigate(target.dashboardURL)
            if let role { try await session.signIn(token: session.token(for: role)) }
        } catch {
            browser.close()
            target.stop()
            throw error
        }
        return session
    }

    func token(for role: Role) -> String {
        switch role {
        case .admin: return target.adminToken
        case .operator: return target.operatorToken
        case .viewer: return target.viewerToken
        }
    }

    /// Types `token` into the login form, submits it and waits for the incidents page.
    func signIn(token: String) async throws {
        try await waitUntilReady("login")
        try await page.type("#login-token", token)
        try await page.click("#login-submit")
        try await waitUntilReady("incidents")
    }

    /// Shows the page at `route` (such as `/incidents/inc-1`) and waits until it has rendered its data.
    func show(_ route: String, section: String) async throws {
        try await page.evaluate("document.getElementById('main').removeAttribute('data-ready')")
        // Setting the hash it already has fires no hashchange, so the test fires one to render again.
        try await page.evaluate(
            """
            (() => {
                const hash = \(jsString("#" + route));
                if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
                else location.hash = hash;
            })()
            """)
        try await waitUntilReady(section)
    }

    func waitUntilReady(_ section: String) async throws {
        try await page.waitFor("document.getElementById('main')?.dataset.ready === \(jsString(section))")
    }

    /// Returns the text of the first element matching `selector`, or nil when there is none.
    func text(_ selector: String) async throws -> String? {
        try await page.evaluate("document.querySelector(\(jsString(selector)))?.textContent ?? null").stringValue
    }

    /// Counts the elements that match `selector`.
    func count(_ selector: String) async throws -> Int {
        try await page.evaluate("document.querySelectorAll(\(jsString(selector))).length").intValue ?? -1
    }

    func screenshot(_ name: String) async throws {
        try await page.screenshot(DashboardTarget.screenshotDirectory.appendingPathComponent("\(name).png"))
    }

    /// Records the page's JavaScript errors as test failures, then stops the browser and the target.
    func close(sourceLocation: SourceLocation = #_sourceLocation) {
        let errors = page.errors
        #expect(errors.isEmpty, "JavaScript errors: \(errors.joined(separator: "\n"))", sourceLocation: sourceLocation)
        browser.close()
        target.stop()
    }
}
