import Foundation
import OpenStack
import Testing

/// The `openstack congress` commands of python-congressclient, run against a test server
/// without Keystone (`--os-auth-type none --os-endpoint URL`).
struct CongressClient {
    /// The OpenStack client in the virtual environment that the OpenStack install script
    /// creates; `AGORA_OPENSTACK_CLI` overrides it.
    static let executable: String =
        ProcessInfo.processInfo.environment["AGORA_OPENSTACK_CLI"] ?? "/tmp/ostack/venv/bin/openstack"

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let endpoint: String

    init(_ server: AgoraProcess) { endpoint = server.baseURL }

    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String

        /// Standard output parsed as JSON, for commands run with `-f json`.
        var json: JSON {
            do {
                return try JSON.parse(Data(standardOutput.utf8), source: "openstack output")
            } catch {
                Issue.record("output is not JSON (exit \(status)): \(standardOutput)\n\(standardError)")
                return .null
            }
        }
    }

    /// Runs `openstack ... congress ARGUMENTS` and waits for it.
    func run(_ arguments: String...) async throws -> Output {
        let result = try await ChildProcess.run(
            Self.executable,
            ["--os-auth-type", "none", "--os-endpoint", endpoint, "congress"] + arguments)
        return Output(status: result.status, standardOutput: result.standardOutput, standardError: result.standardError)
    }

    /// Runs a command that must succeed with `-f json` output and returns that output.
    func json(_ arguments: String...) async throws -> JSON {
        let result = try await ChildProcess.run(
            Self.executable,
            ["--os-auth-type", "none", "--os-endpoint", endpoint, "congress"] + arguments + ["-f", "json"])
        let output = Output(
            status: result.status, standardOutput: result.standardOutput, standardError: result.standardError)
        #expect(output.status == 0, "\(arguments): \(output.standardError)")
        return output.json
    }
}
