import Enforcement
import Foundation

/// Two network namespaces joined by a veth pair, with 192.0.2.1 on the first and 192.0.2.2 on
/// the second. Everything is created inside the namespaces, so the host's links stay untouched.
struct VethPair {
    let left: NetworkNamespace
    let right: NetworkNamespace
    let leftAddress = "192.0.2.1"
    let rightAddress = "192.0.2.2"

    /// Whether this process may create namespaces and has the commands the tests run.
    static let isAvailable: Bool = {
        let tools = ["/usr/bin/ping", "/usr/bin/python3"]
        let found = tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
        let runner = CommandRunner()
        let nft = (try? runner.run("nft", ["--version"]))?.status == 0
        let conntrack = (try? runner.run("conntrack", ["--version"]))?.status == 0
        return getuid() == 0 && found && nft && conntrack
    }()

    static func make() throws -> VethPair {
        let left = try NetworkNamespace.create(prefix: "t")
        let right: NetworkNamespace
        do {
            right = try NetworkNamespace.create(prefix: "t")
        } catch {
            left.delete()
            throw error
        }
        let pair = VethPair(left: left, right: right)
        do {
            let suffix = String(UUID().uuidString.prefix(6).lowercased())
            let (leftLink, rightLink) = ("vl\(suffix)", "vr\(suffix)")
            try left.runner.check(
                "ip", ["link", "add", leftLink, "type", "veth", "peer", "name", rightLink, "netns", right.name])
            try left.runner.check("ip", ["address", "add", "\(pair.leftAddress)/24", "dev", leftLink])
            try right.runner.check("ip", ["address", "add", "\(pair.rightAddress)/24", "dev", rightLink])
            try left.runner.check("ip", ["link", "set", leftLink, "up"])
            try right.runner.check("ip", ["link", "set", rightLink, "up"])
        } catch {
            pair.delete()
            throw error
        }
        return pair
    }

    func delete() {
        left.delete()
        right.delete()
    }

    /// Whether one ping from the right namespace to `address` gets a reply within a second.
    func pingFromRight(_ address: String) throws -> Bool {
        try right.runner.run("ping", ["-c1", "-W1", address]).status == 0
    }

    /// Starts a command in a namespace without waiting for it; the caller terminates it.
    static func start(in namespace: NetworkNamespace, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", namespace.name] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// Polls `condition` every 50 ms for at most `seconds`; returns whether it became true.
func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = Date() + seconds
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 50_000_000)
    }
    return condition()
}
