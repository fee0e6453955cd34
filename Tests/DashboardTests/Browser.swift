import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A headless Chromium with its own temporary profile. Close it with `close()`, which kills the
/// process by its PID and removes the profile.
final class Browser: @unchecked Sendable {
    let pipe: DevToolsPipe
    let userDataDirectory: URL

    /// Starts Debian's `chromium` (or the executable named by `AGORA_CHROMIUM`) headless.
    static func launch() throws -> Browser {
        let executable = ProcessInfo.processInfo.environment["AGORA_CHROMIUM"] ?? "/usr/bin/chromium"
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("agora-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        let arguments = [
            "--headless", "--no-sandbox", "--user-data-dir=\(directory.path)", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-sync", "--disable-component-update", "--mute-audio", "--window-size=1280,800",
        ]
        let pipe = try DevToolsPipe(
            executable: executable, arguments: arguments, logPath: directory.appendingPathComponent("chromium.log").path
        )
        return Browser(pipe: pipe, userDataDirectory: directory)
    }

    private init(pipe: DevToolsPipe, userDataDirectory: URL) {
        self.pipe = pipe
        self.userDataDirectory = userDataDirectory
    }

    /// Opens a new tab on `about:blank` and attaches to it.
    func newPage() async throws -> BrowserPage {
        let target = try await pipe.send("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"]?.stringValue else {
            throw BrowserError.protocolError(method: "Target.createTarget", message: "no targetId in \(target)")
        }
        let attached = try await pipe.send("Target.attachToTarget", ["targetId": .string(targetID), "flatten": true])
        guard let sessionID = attached["sessionId"]?.stringValue else {
            throw BrowserError.protocolError(method: "Target.attachToTarget", message: "no sessionId in \(attached)")
        }

        let page = BrowserPage(pipe: pipe, sessionID: sessionID)
        try await page.enableDomains()
        return page
    }

    func close() {
        pipe.terminate()
        try? FileManager.default.removeItem(at: userDataDirectory)
    }
}

/// One tab: navigation, script evaluation, input, viewport and screenshots, and the JavaScript errors
/// the page raised since it was opened.
final class BrowserPage: @unchecked Sendable {
    private let pipe: DevToolsPipe
    private let sessionID: String
    private let lock = NSLock()
    private var collectedErrors: [String] = []
    private var collectedNetworkErrors: [String] = []

    init(pipe: DevToolsPipe, sessionID: String) {
        self.pipe = pipe
        self.sessionID = sessionID
        pipe.onEvent { [weak self] method, session, params in
            guard let self, session == sessionID else { return }
            self.record(method: method, params: params)
        }
    }

    /// `console.error` and `console.assert` calls, uncaught exceptions and unhandled rejections, and
    /// browser log errors other than HTTP error statuses, in the order they arrived.
    var errors: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collectedErrors
    }

    /// Browser log lines about failed requests (an HTTP 400 that a test provokes lands here, not in `errors`).
    var networkErrors: [String] {
        lock.lock()
        defer { lock.unlock() }
        return collectedNetworkErrors
    }

    fileprivate func enableDomains() async throws {
        _ = try await command("Runtime.enable")
        _ = try await command("Page.enable")
        _ = try await command("Log.enable")
    }

    /// Sends a DevTools command to this tab's session.
    func command(_ method: String, _ params: JSONValue = [:], timeout: Double = 30) async throws -> JSONValue {
        try await pipe.send(method, params, sessionID: sessionID, timeout: timeout)
    }

    /// Loads `url` and waits until the document has finished loading. The page may have moved on to
    /// another URL by then (a redirect, or a script changing the hash).
    func navigate(_ url: String) async throws {
        let result = try await command("Page.navigate", ["url": .string(url)])
        if let message = result["errorText"]?.stringValue, !message.isEmpty {
            throw BrowserError.navigationFailed(url: url, message: message)
        }
        try await waitFor("document.readyState === 'complete'")
    }

    /// Evaluates `expression` in the page, awaiting a promise, and returns its value as JSON
    /// (`null` for `undefined` and values that do not serialize). Throws what the expression threw.
    @discardableResult
    func evaluate(_ expression: String) async throws -> JSONValue {
        let result = try await command(
            "Runtime.evaluate",
            ["expression": .string(expression), "awaitPromise": true, "returnByValue": true, "userGesture": true])
        if let details = result["exceptionDetails"] {
            let message =
                details["exception"]?["description"]?.stringValue ?? details["text"]?.stringValue ?? details.description
            throw BrowserError.javaScriptException(expression: expression, message: message)
        }
        return result["result"]?["value"] ?? .null
    }

    /// Polls `condition` every 50 ms until it is truthy; an exception counts as false.
    func waitFor(_ condition: String, timeout: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var lastValue = "nothing yet"
        while Date() < deadline {
            do {
                let value = try await evaluate("Boolean(\(condition))")
                if value == .bool(true) { return }
                lastValue = value.description
            } catch let error as BrowserError {
                if case .javaScriptException(_, let message) = error {
                    lastValue = "exception: \(message)"
                } else {
                    throw error
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BrowserError.conditionTimedOut(condition: condition, seconds: timeout, lastValue: lastValue)
    }

    /// Scrolls the first element matching `selector` into view and clicks its centre with the mouse.
    func click(_ selector: String) async throws {
        let centre = try await evaluate(
            """
            (() => {
                const element = document.querySelector(\(jsString(selector)));
                if (!element) return null;
                element.scrollIntoView({ block: 'center', inline: 'center' });
                const box = element.getBoundingClientRect();
                if (box.width === 0 || box.height === 0) return null;
                return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
            })()
            """)
        guard let x = centre["x"]?.doubleValue, let y = centre["y"]?.doubleValue else {
            throw BrowserError.elementNotFound(selector: selector)
        }

        let position: [String: JSONValue] = ["x": .number(x), "y": .number(y)]
        _ = try await command("Input.dispatchMouseEvent", .object(position.merging(["type": "mouseMoved"]) { $1 }))
        for type in ["mousePressed", "mouseReleased"] {
            let event = position.merging(["type": .string(type), "button": "left", "clickCount": 1]) { $1 }
            _ = try await command("Input.dispatchMouseEvent", .object(event))
        }
    }

    /// Focuses the first element matching `selector`, moves the caret to its end and inserts `text` as
    /// keyboard input would, so the page receives `input` events.
    func type(_ selector: String, _ text: String) async throws {
        let focused = try await evaluate(
            """
            (() => {
                const element = document.querySelector(\(jsString(selector)));
                if (!element) return false;
                element.focus();
                if (typeof element.value === 'string' && element.setSelectionRange) {
                    element.setSelectionRange(element.value.length, element.value.length);
                }
                return document.activeElement === element;
            })()
            """)
        guard focused == .bool(true) else { throw BrowserError.elementNotFound(selector: selector) }
        _ = try await command("Input.insertText", ["text": .string(text)])
    }

    /// Empties the value of the form field matching `selector` and fires `input` on it.
    func clear(_ selector: String) async throws {
        let found = try await evaluate(
            """
            (() => {
                const element = document.querySelector(\(jsString(selector)));
                if (!element) return false;
                element.value = '';
                element.dispatchEvent(new Event('input', { bubbles: true }));
                return true;
            })()
            """)
        guard found == .bool(true) else { throw BrowserError.elementNotFound(selector: selector) }
    }

    /// Presses and releases one key on the focused element: `Tab`, `Enter`, `Escape` or `Space`, with Shift
    /// when `shift` is set.
    func press(_ key: String, shift: Bool = false) async throws {
        let codes: [String: (code: String, keyCode: Int, text: String?)] = [
            "Tab": ("Tab", 9, nil), "Enter": ("Enter", 13, "\r"), "Escape": ("Escape", 27, nil),
            "Space": ("Space", 32, " "),
        ]
        guard let entry = codes[key] else {
            throw BrowserError.protocolError(method: "Input.dispatchKeyEvent", message: "unsupported key \(key)")
        }

        var event: [String: JSONValue] = [
            "key": .string(key == "Space" ? " " : key), "code": .string(entry.code),
            "windowsVirtualKeyCode": .number(Double(entry.keyCode)), "modifiers": shift ? 8 : 0,
        ]
        event["type"] = entry.text == nil ? "rawKeyDown" : "keyDown"
        if let text = entry.text { event["text"] = .string(text) }
        _ = try await command("Input.dispatchKeyEvent", .object(event))
        event["type"] = "keyUp"
        event["text"] = nil
        _ = try await command("Input.dispatchKeyEvent", .object(event))
    }

    /// Emulates a screen of `width` by `height` CSS pixels; widths under 600 emulate a phone.
    func setViewport(width: Int, height: Int) async throws {
        _ = try await command(
            "Emulation.setDeviceMetricsOverride",
            [
                "width": .number(Double(width)), "height": .number(Double(height)), "deviceScaleFactor": 1,
                "mobile": .bool(width < 600),
            ])
    }

    /// Emulates `prefers-color-scheme: dark` or `light`.
    func setColorScheme(_ scheme: String) async throws {
        _ = try await command(
            "Emulation.setEmulatedMedia", ["features": [["name": "prefers-color-scheme", "value": .string(scheme)]]])
    }

    /// Writes a PNG of the viewport to `path`, creating its folder.
    func screenshot(_ path: URL) async throws {
        let result = try await command("Page.captureScreenshot", ["format": "png"])
        guard let base64 = result["data"]?.stringValue, let data = Data(base64Encoded: base64) else {
            throw BrowserError.protocolError(method: "Page.captureScreenshot", message: "no image data")
        }
        try FileManager.default.createDirectory(
            at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: path)
    }

    private func record(method: String, params: JSONValue) {
        var line: String?
        var isNetwork = false
        switch method {
        case "Runtime.consoleAPICalled":
            let type = params["type"]?.stringValue ?? ""
            guard type == "error" || type == "assert" else { return }
            let parts = (params["args"]?.arrayValue ?? []).map {
                $0["value"]?.stringValue ?? $0["description"]?.stringValue ?? $0["value"]?.description ?? "?"
            }
            line = "console.\(type): " + parts.joined(separator: " ")
        case "Runtime.exceptionThrown":
            let details = params["exceptionDetails"]
            let text = details?["exception"]?["description"]?.stringValue ?? details?["text"]?.stringValue ?? "?"
            line = "uncaught: \(text)"
        case "Log.entryAdded":
            guard let entry = params["entry"], entry["level"]?.stringValue == "error" else { return }
            isNetwork = entry["source"]?.stringValue == "network"
            line = "log: \(entry["text"]?.stringValue ?? "?") \(entry["url"]?.stringValue ?? "")"
        default:
            return
        }
        guard let line else { return }

        lock.lock()
        if isNetwork {
            collectedNetworkErrors.append(line)
        } else {
            collectedErrors.append(line)
        }
        lock.unlock()
    }
}

/// `text` as a JavaScript string literal (JSON's string syntax is valid JavaScript).
func jsString(_ text: String) -> String {
    JSONValue.string(text).description
}
