import Foundation
import OpenStack
import Testing

/// Servers booted on the test cloud's Nova.
public enum ServerBoot {
    /// Boots a server and waits until it is ACTIVE. The test servers keep Nova's data in SQLite,
    /// and a write of the compute service can meet "database is locked" while a periodic task
    /// writes too; the build then ends in ERROR through no fault of the request. Such a server
    /// is deleted and the boot tried again, at most three times in all.
    public static func bootActive(_ nova: NovaClient, _ fields: [String: JSON]) async throws -> String {
        var fault = ""
        for _ in 0..<3 {
            let serverID = try #require(try await nova.createServer(fields)["id"]?.stringValue)
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
}
