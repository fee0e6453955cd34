import Foundation
import OpenStack
import Testing

@Suite(.serialized) struct ClientPolicyCommandTests {
    @Test func policyLifecycle() async throws {
        let server = try await AgoraServerProcess()
        defer { server.stop() }
        let url = server.url

        let created = try ClientRun.agora(
            ["policy", "create", "web_rules", "--description", "rules for web"], url: url)
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardOutput.contains("web_rules"))

        let list = try ClientRun.agora(["policy", "list"], url: url)
        #expect(list.status == 0)
        let header = list.standardOutput.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.hasPrefix("ID"))
        #expect(header.contains("NAME"))
        #expect(list.standardOutput.contains("web_rules"))
        #expect(list.standardOutput.contains("rules for web"))

        let shown = try ClientRun.json(["policy", "show", "web_rules"], url: url)
        #expect(shown["name"] == "web_rules")
        #expect(shown["description"] == "rules for web")
        let id = try #require(shown["id"]?.stringValue)
        // Ids are printed whole in tables.
        #expect(list.standardOutput.contains(id))

        let mode = try ClientRun.json(["policy", "mode", "web_rules", "enforce"], url: url)
        #expect(mode["mode"] == "enforce")

        let deleted = try ClientRun.agora(["policy", "delete", id], url: url)
        #expect(deleted.status == 0, "\(deleted.standardError)")
        let missing = try ClientRun.agora(["policy", "show", "web_rules"], url: url)
        #expect(missing.status == 1)
        #expect(
            missing.standardError.contains(
                "policy 'web_rules' not found (HTTP 404); list policies with: agora policy list"))
    }

    @Test func rulesAndSyntaxErrors() async throws {
        let server = try await AgoraServerProcess()
        defer { server.stop() }
        let url = server.url

        let bad = try ClientRun.agora(["rule", "create", "classification", "p(x) :-\n  q(x),\n  not r(y)"], url: url)
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("3:7"), "\(bad.standardError)")
        #expect(bad.standardError.contains("HTTP 400"))
        #expect(bad.standardError.contains("\n    not r(y)\n        ^"), "\(bad.standardError)")
        let unclosed = try ClientRun.agora(["rule", "create", "classification", "p(x) :- q(x"], url: url)
        #expect(unclosed.status == 1)
        #expect(unclosed.standardError.contains("1:12"), "\(unclosed.standardError)")

        let created = try ClientRun.agora(
            ["rule", "create", "classification", "p(x) :- q(x)", "--name", "pq", "--comment", "p follows q"], url: url)
        #expect(created.status == 0, "\(created.standardError)")
        let list = try ClientRun.agora(["rule", "list", "classification"], url: url)
        #expect(list.standardOutput.contains("pq"))
        #expect(list.standardOutput.contains("p(x) :- q(x)"))
        let shown = try ClientRun.json(["rule", "show", "classification", "pq"], url: url)
        #expect(shown["comment"] == "p follows q")

        let again = try ClientRun.agora(["rule", "create", "classification", "p(x) :- q(x)"], url: url)
        #expect(again.status == 1)
        #expect(again.standardError.contains("HTTP 409"))

        let tables = try ClientRun.json(["table", "list", "classification"], url: url)
        let names = (tables["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(names.contains("p"))
        #expect(names.contains("q"))

        let simulated = try ClientRun.agora(["simulate", "classification", "p(x)", "q(1)", "action"], url: url)
        #expect(simulated.status == 1, "a sequence of plain facts is an invalid simulate sequence")
        #expect(simulated.standardError.contains("HTTP 400"))

        let deleted = try ClientRun.agora(["rule", "delete", "classification", "pq"], url: url)
        #expect(deleted.status == 0, "\(deleted.standardError)")
        let gone = try ClientRun.agora(["rule", "show", "classification", "pq"], url: url)
        #expect(gone.status == 1)
        #expect(gone.standardError.contains("rule 'pq' in policy 'classification' not found"))
        #expect(gone.standardError.contains("agora rule list classification"))
    }

    @Test func libraryFromFile() async throws {
        let server = try await AgoraServerProcess()
        defer { server.stop() }
        let url = server.url
        let file = server.dataDirectory.appendingPathComponent("quiet.yaml")
        try """
        name: quiet_hours
        description: Flags nothing yet.
        kind: nonrecursive
        rules:
          - name: base
            comment: A fact to start from.
            rule: quiet(1)
        """.write(to: file, atomically: true, encoding: .utf8)

        let created = try ClientRun.agora(["library", "create", file.path], url: url)
        #expect(created.status == 0, "\(created.standardError)")
        let list = try ClientRun.agora(["library", "list"], url: url)
        #expect(list.standardOutput.contains("quiet_hours"))
        #expect(list.standardOutput.contains("compromised_vm"))
        let shown = try ClientRun.agora(["library", "show", "quiet_hours"], url: url)
        #expect(shown.standardOutput.contains("// A fact to start from."))
        #expect(shown.standardOutput.contains("quiet(1)"))

        let policy = try ClientRun.json(["policy", "create", "quiet_copy", "--from-library", "quiet_hours"], url: url)
        #expect(policy["name"] == "quiet_copy")
        #expect(policy["rules"]?.arrayValue?.count == 1)
        let rows = try ClientRun.agora(["row", "list", "quiet_copy", "quiet"], url: url)
        #expect(rows.standardOutput.contains("COL0"))
        #expect(rows.standardOutput.contains("1"))

        #expect(try ClientRun.agora(["library", "delete", "quiet_hours"], url: url).status == 0)
        let gone = try ClientRun.agora(["library", "show", "quiet_hours"], url: url)
        #expect(gone.status == 1)
        #expect(gone.standardError.contains("agora library list"))
    }

    @Test func usageErrorsExitTwo() throws {
        // Nothing listens here, so a usage error must be found before any connection.
        let url = "http://127.0.0.1:\(try AgoraServerProcess.freePort())"
        let cases: [[String]] = [
            ["policy"], ["policy", "frob"], ["policy", "show"], ["policy", "list", "--bogus"],
            ["policy", "list", "--format", "xml"], ["policy", "mode", "p", "fast"],
            ["incident", "list", "--state", "x"],
            ["datasource", "create", "push", "ids", "--config", "novalue"], ["watch", "--count", "0"],
            ["policy", "list", "--url", "not a url"], ["policy", "list", "--timeout", "-1"],
        ]
        for arguments in cases {
            let result = try ClientRun.agora(arguments, url: url)
            #expect(result.status == 2, "\(arguments): \(result.standardError)")
            #expect(result.standardError.hasPrefix("agora: "), "\(arguments)")
        }
    }

    @Test func unreachableServerExitsThree() throws {
        let url = "http://127.0.0.1:\(try AgoraServerProcess.freePort())"
        for arguments in [["policy", "list"], ["incident", "show", "x"], ["watch"]] {
            let result = try ClientRun.agora(arguments, url: url)
            #expect(result.status == 3, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("cannot reach the Agora server at \(url)"))
        }
    }

    @Test func helpListsExitStatuses() throws {
        let help = try ClientRun.agora(["help"], url: nil)
        #expect(help.status == 0)
        for line in ["0  success", "1  the server rejected", "2  usage error", "3  the server could not be reached"] {
            #expect(help.standardOutput.contains(line))
        }
        #expect(help.standardOutput.contains("agora incident resolve ID [--note TEXT]"))
        let group = try ClientRun.agora(["policy", "--help"], url: nil)
        #expect(group.status == 0)
        #expect(group.standardOutput.contains("agora policy mode POLICY MODE"))
    }

    @Test func tokenOptionAndUnauthorized() async throws {
        let server = try await AgoraServerProcess(auth: "token")
        defer { server.stop() }
        let url = server.url
        let token = server.adminToken
        #expect(!token.isEmpty)

        let anonymous = try ClientRun.agora(["policy", "list"], url: url)
        #expect(anonymous.status == 1)
        #expect(anonymous.standardError.contains("HTTP 401"))
        #expect(anonymous.standardError.contains("--token"))
        let wrong = try ClientRun.agora(["policy", "list", "--token", "agora_wrong"], url: url)
        #expect(wrong.status == 1)

        let withOption = try ClientRun.agora(["policy", "list", "--token", token], url: url)
        #expect(withOption.status == 0, "\(withOption.standardError)")
        #expect(withOption.standardOutput.contains("classification"))
        let withEnvironment = try ClientRun.agora(["policy", "list"], url: url, extra: ["AGORA_TOKEN": token])
        #expect(withEnvironment.status == 0, "\(withEnvironment.standardError)")

        let watch = try ClientRun.agora(["watch", "--token", "agora_wrong"], url: url)
        #expect(watch.status == 1)
        #expect(watch.standardError.contains("HTTP 401"))
    }
}
