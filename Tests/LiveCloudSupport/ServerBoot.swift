import Foundation
import OpenStack
import Testing

/// Servers booted on the test cloud's Nova.
public enum ServerBoot {
    /// Boots a server and waits until it is ACTIVE. The test servers keep Nova's data in SQLite,
    /// and a write of the compute service can meet "database is locked" while a periodic task
    /// writes too; the build then ends in ERROR through no fault of the request. Such a server
    /// is deleted and the boot tried again, at most three times in all.
    ///
    /// When Nova refuses the boot for its instance quota (10 by default), servers that earlier,
    /// interrupted test runs left behind (named `agora-...`, older than ten minutes) are deleted
    /// and the boot tried again.
    public static func bootActive(_ nova: NovaClient, _ fields: [String: JSON]) async throws -> String {
        var fault = ""
        for _ in 0..<3 {
            let created: JSON
            do {
                created = try await nova.createServer(fields)
            } catch OpenStackError.http(let failure) where failure.status == 403 && failure.message.contains("Quota") {
                try await removeStaleServers(nova)
                created = try await nova.createServer(fields)
            } catch OpenStackError.http(let failure)
                where failure.status == 400 && failure.message.contains("could not be found")
            {
                // Nova sometimes fails to read a port that Neutron created a moment before (both
                // keep their data in SQLite here); the port is there, so the boot is tried again.
                fault = failure.message
                try await Task.sleep(nanoseconds: 2_000_000_000)
                continue
            }
            let serverID = try #require(created["id"]?.stringValue)
            for _ in 0..<120 {
                let server = try await nova.server(serverID)
                let status = server["status"]?.stringValue
                if status == "ACTIVE" { return serverID }
                if status == "ERROR" {
                    fault = server["fault"]?["message"]?.stringValue ?? "no fault message"
                    break
                }
                try await Task.sleep(nanoseconds: 250_000_000)
            }
            try? await nova.deleteServer(serverID)
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
        throw OpenStackError.invalidResponse(url: "POST /servers", reason: "boot failed three times: \(fault)")
    }

    /// Deletes test servers (named `agora-...`) created more than ten minutes ago, and waits
    /// until Nova has let them go.
    static func removeStaleServers(_ nova: NovaClient) async throws {
        let servers =
            try await nova.service.send("GET", "/servers/detail?all_tenants=1&limit=1000")["servers"]?.arrayValue ?? []
        let formatter = ISO8601DateFormatter()
        let cutoff = Date().addingTimeInterval(-600)
        var deleted: [String] = []
        for server in servers {
            guard let id = server["id"]?.stringValue, server["name"]?.stringValue?.hasPrefix("agora-") == true,
                let created = server["created"]?.stringValue.flatMap(formatter.date(from:)), created < cutoff
            else { continue }
            try? await nova.deleteServer(id)
            deleted.append(id)
        }
        for _ in 0..<60 where !deleted.isEmpty {
            let remaining =
                try await nova.service.send("GET", "/servers?all_tenants=1&limit=1000")["servers"]?.arrayValue ?? []
            if !remaining.contains(where: { deleted.contains($0["id"]?.stringValue ?? "") }) { return }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
    }
}
