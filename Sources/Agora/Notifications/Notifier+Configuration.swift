import DataSources
import Foundation
import Store

extension Notifier {
    /// Builds the notifier that the `[notifications]` options describe, or returns nil when
    /// they name no sink. The webhook key is read from the environment variable named by
    /// `webhook_secret_env`. A name whose variable is unset or empty is an error, so that a
    /// receiver that checks signatures never gets unsigned requests.
    public static func make(
        configuration: ServiceConfiguration, database: any Database, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Notifier? {
        var senders: [any NotificationSender] = []
        let webhook = configuration.text("notifications", "webhook_url")
        if !webhook.isEmpty {
            guard let url = URL(string: webhook), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
                throw ConfigError.invalidValue(
                    source: "configuration", line: 0, section: "notifications", name: "webhook_url", value: webhook,
                    expected: "an http or https URL")
            }
            var secret: [UInt8]?
            let variable = configuration.text("notifications", "webhook_secret_env")
            if !variable.isEmpty {
                guard let value = environment[variable], !value.isEmpty else {
                    throw ConfigError.unsafe(
                        message:
                            "[notifications] webhook_secret_env names \(variable), which is unset or empty; set it to the HMAC key"
                    )
                }
                secret = Array(value.utf8)
            }
            senders.append(WebhookSender(url: url, secret: secret))
        }
        if configuration.flag("notifications", "syslog") {
            let path = configuration.text("notifications", "syslog_socket")
            senders.append(SyslogSender(socketPath: path.isEmpty ? "/dev/log" : path))
        }
        guard !senders.isEmpty else { return nil }

        let outbox = try NotificationOutbox(
            database: database,
            perIncidentPerMinute: max(0, configuration.integer("notifications", "per_incident_per_minute")))
        var backoff = RetryBackoff()
        let base = configuration.integer("notifications", "retry_base_seconds")
        if base > 0 { backoff.base = Double(base) }
        let attempts = configuration.integer("notifications", "max_attempts")
        if attempts > 0 { backoff.maxAttempts = attempts }
        return Notifier(outbox: outbox, senders: senders, backoff: backoff, clock: clock, logger: logger)
    }

    /// Queues `incident.opened` for incidents that lack it: an incident saved just before a
    /// crash may not have reached the outbox, because the two are separate transactions.
    ///
    /// NOTE: only openings are recovered this way. Another event published just before a crash
    /// (an action verified, an incident contained) may never reach the outbox.
    public func recordMissedOpenings(_ incidents: [Incident], activeIncident: (String, String) -> String?) {
        for incident in incidents where incident.state != .resolved {
            let key = NotificationTopics.openedKey(incidentID: incident.id)
            let missing = senders.contains { !((try? outbox.contains(sink: $0.sink, dedupeKey: key)) ?? true) }
            guard missing else { continue }
            logger.info("queueing a missed incident.opened notification", metadata: ["incident": incident.id])
            record(
                AgoraEvent(
                    kind: "incident.opened", at: incident.firstSeen, projectID: incident.projectID,
                    payload: incident.json),
                activeIncident: activeIncident)
        }
    }
}
