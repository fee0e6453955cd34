import DataSources
import Foundation
import Store
import Testing

@testable import Agora

/// A whole service started through `Launcher` with a webhook: a notification that could not be
/// delivered before a stop goes out once after a start on the same store.
@Suite struct NotifierRestartTests {
    static func configuration(directory: URL, webhook: String) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.path)
        try configuration.set("DEFAULT", "bind_port", "0")
        try configuration.set("DEFAULT", "auth_strategy", "noauth")
        try configuration.set("notifications", "webhook_url", webhook)
        // Long enough that the first run makes only its first attempt.
        try configuration.set("notifications", "retry_base_seconds", "600")
        return configuration
    }

    /// Polls `condition` every 50 ms until it is true or 30 seconds pass, and returns its last value.
    static func eventually(_ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if try condition() { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return try condition()
    }

    @Test func undeliveredRowSentOnceAfterRestart() async throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The receiver picks a free port and goes down, so the first run meets a refused connection.
        let receiver = try WebhookReceiver()
        receiver.stop()
        let configuration = try Self.configuration(directory: directory, webhook: receiver.url)
        let logger = Logger(label: "test", level: .error)

        let first = try await Launcher.start(configuration: configuration, logger: logger)
        let notifier = try #require(first.notifier)
        first.service.events.publish(NotifierTests.incidentEvent("incident.opened", id: "incident-restart"))
        let attempted = try await Self.eventually {
            try notifier.outbox.entries().first.map { $0.attempts >= 1 } ?? false
        }
        #expect(attempted)
        let waiting = try #require(try notifier.outbox.entries().first)
        #expect(waiting.status == .pending)
        #expect(waiting.lastError?.isEmpty == false)
        first.stop()

        try receiver.start()
        let second = try await Launcher.start(configuration: configuration, logger: logger)
        let outbox = try #require(second.notifier?.outbox)
        let delivered = try await Self.eventually { try outbox.entries().first?.status == .delivered }
        #expect(delivered)
        second.stop()

        let requests = receiver.requests
        #expect(requests.count == 1)
        #expect(requests.first?.headers["X-Agora-Delivery"] == waiting.deliveryID)
        #expect(requests.first?.headers["X-Agora-Event"] == "incident.opened")
        #expect(try outbox.entries().count == 1)
    }

    @Test func unsetSecretVariableRejected() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = try Self.configuration(directory: directory, webhook: "http://127.0.0.1:9/hook")
        try configuration.set("notifications", "webhook_secret_env", "AGORA_TEST_UNSET_SECRET")
        let database = try Store.open(directory.appendingPathComponent("agora.db").path)
        #expect(throws: ConfigError.self) {
            try Notifier.make(
                configuration: configuration, database: database, logger: Logger(label: "test"), environment: [:])
        }
        let made = try Notifier.make(
            configuration: configuration, database: database, logger: Logger(label: "test"),
            environment: ["AGORA_TEST_UNSET_SECRET": "key"])
        #expect((made?.senders.first as? WebhookSender)?.secret == Array("key".utf8))
    }
}
