import Foundation
import Testing

@testable import OpenStack

@Suite struct CloudConfigTests {
    private func writeTemporary(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("config"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func cloudsFileWithSecureFile() throws {
        let clouds = try writeTemporary(
            "clouds.yaml",
            """
            clouds:
              lab:
                auth:
                  auth_url: http://127.0.0.1:5000/v3
                  username: "admin"
                  project_name: admin
                  user_domain_name: Default
                  project_domain_name: Default
                region_name: RegionOne
                interface: internal
                network_endpoint_override: http://127.0.0.1:9797
                compute_api_version: "2.73"
              other:
                auth_type: none
            """)
        let secure = try writeTemporary("secure.yaml", "clouds:\n  lab:\n    auth:\n      password: s3cret-pw\n")

        let config = try CloudConfig.load(
            environment: ["OS_CLOUD": "lab", "OS_CLIENT_CONFIG_FILE": clouds, "OS_CLIENT_SECURE_FILE": secure])
        #expect(config.authType == .password)
        #expect(config.username == "admin")
        #expect(config.regionName == "RegionOne")
        #expect(config.interface == "internal")
        #expect(config.endpointOverrides["network"] == URL(string: "http://127.0.0.1:9797"))
        #expect(config.computeAPIVersion == "2.73")
        #expect(config.password == "s3cret-pw")
    }

    @Test func secureFileMergesFromSearchPath() throws {
        let clouds = try writeTemporary(
            "clouds.yaml",
            "clouds:\n  lab:\n    auth:\n      auth_url: http://127.0.0.1:5000\n      user_id: u1\n")
        let directory = (clouds as NSString).deletingLastPathComponent
        let configDirectory = directory + "/openstack"
        try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        try "clouds:\n  lab:\n    auth:\n      password: s3cret-pw\n".write(
            toFile: configDirectory + "/secure.yaml", atomically: true, encoding: .utf8)

        let config = try CloudConfig.load(
            environment: ["OS_CLOUD": "lab", "OS_CLIENT_CONFIG_FILE": clouds, "XDG_CONFIG_HOME": directory])
        #expect(config.password == "s3cret-pw")
        #expect(config.userID == "u1")
    }

    @Test func environmentVariables() throws {
        let config = try CloudConfig.load(environment: [
            "OS_AUTH_URL": "http://127.0.0.1:5000/v3", "OS_APPLICATION_CREDENTIAL_ID": "ac1",
            "OS_APPLICATION_CREDENTIAL_SECRET": "topsecret", "OS_AUTH_TYPE": "v3applicationcredential",
            "OS_COMPUTE_ENDPOINT_OVERRIDE": "http://127.0.0.1:8774/v2.1", "OS_REGION_NAME": "RegionTwo",
        ])
        #expect(config.authType == .applicationCredential)
        #expect(config.applicationCredentialID == "ac1")
        #expect(config.endpointOverrides["compute"] == URL(string: "http://127.0.0.1:8774/v2.1"))
        #expect(config.regionName == "RegionTwo")
    }

    @Test func secretsRedactedInText() throws {
        var config = TestCloud.adminConfig()
        config.password = "pw-do-not-print"
        config.token = "tok-do-not-print"
        var dumped = ""
        dump(config, to: &dumped)
        for text in [config.description, "\(config)", String(reflecting: config), dumped] {
            #expect(!text.contains("pw-do-not-print"))
            #expect(!text.contains("tok-do-not-print"))
        }
        #expect(config.description.contains("password=<redacted>"))
    }

    @Test func missingPasswordNamed() {
        var config = TestCloud.adminConfig()
        config.password = nil
        #expect(throws: OpenStackError.self) { try config.validate() }
        do {
            try config.validate()
        } catch {
            #expect("\(error)".contains("OS_PASSWORD"))
        }
    }

    @Test func invalidURLNamed() {
        let environment = ["OS_AUTH_URL": "127.0.0.1:5000", "OS_USERNAME": "a", "OS_PASSWORD": "b"]
        do {
            _ = try CloudConfig.load(environment: environment)
            Issue.record("an auth URL without a scheme was accepted")
        } catch {
            #expect("\(error)".contains("127.0.0.1:5000"))
            #expect("\(error)".contains("http://"))
        }
    }

    @Test func unknownCloudListsKnown() throws {
        let clouds = try writeTemporary("clouds.yaml", "clouds:\n  alpha:\n    auth_type: none\n")
        do {
            _ = try CloudConfig.load(environment: ["OS_CLOUD": "beta", "OS_CLIENT_CONFIG_FILE": clouds])
            Issue.record("an unknown cloud was accepted")
        } catch {
            #expect("\(error)".contains("beta"))
            #expect("\(error)".contains("alpha"))
        }
    }

    @Test func yamlSyntaxErrorHasLine() {
        do {
            _ = try YAML.parse("clouds:\n  a: [1, 2\n  b: c\n", source: "bad.yaml")
            Issue.record("broken YAML was accepted")
        } catch {
            #expect("\(error)".contains("bad.yaml"))
            #expect("\(error)".contains("line"))
        }
    }

    @Test func yamlScalarsResolve() throws {
        let document = try YAML.parse("a: true\nb: '5'\nc: 5\nd: ~\ne: [x, y]\n", source: "t.yaml")
        #expect(document["a"] == .bool(true))
        #expect(document["b"] == .string("5"))
        #expect(document["c"] == .int(5))
        #expect(document["d"] == .null)
        #expect(document["e"] == .array(["x", "y"]))
    }
}
