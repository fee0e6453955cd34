import Enforcement
import Foundation

/// Three network namespaces that this process creates and deletes: a VM, a bad host, and a
/// hypervisor between them that routes the VM's traffic. Two veth pairs join them:
///
///     vm 192.0.2.10 --- 192.0.2.1 hypervisor 198.51.100.1 --- 198.51.100.66 bad host
///
/// Every address and link lives inside the namespaces, so the host's own interfaces, routes and
/// nftables stay untouched. Deleting the namespaces deletes the links with them.
struct TrafficLab: Sendable {
    let vm: NetworkNamespace
    let hypervisor: NetworkNamespace
    let badHost: NetworkNamespace
    /// The hypervisor's end of the VM's veth pair, where the sensor captures.
    let captureInterface: String

    static let vmAddress = "192.0.2.10"
    static let badHostAddress = "198.51.100.66"

    /// Whether this process may create network namespaces: it runs as root and `ip netns add`
    /// works. Other missing tools (nft, conntrack, python3) make the test fail, not skip.
    static let canCreateNamespaces: Bool = {
        guard getuid() == 0 else { return false }
        guard let probe = try? NetworkNamespace.create(prefix: "probe") else { return false }
        probe.delete()
        return true
    }()

    /// Creates the namespaces, links, addresses and routes. Whatever was created is deleted
    /// again when a step fails.
    static func make() throws -> TrafficLab {
        var created: [NetworkNamespace] = []
        do {
            for prefix in ["vm", "hv", "bad"] {
                created.append(try NetworkNamespace.create(prefix: prefix))
            }
            let suffix = String(UUID().uuidString.prefix(6).lowercased())
            let lab = TrafficLab(
                vm: created[0], hypervisor: created[1], badHost: created[2], captureInterface: "hv\(suffix)")
            try lab.wire(suffix: suffix)
            return lab
        } catch {
            for namespace in created { namespace.delete() }
            throw error
        }
    }

    private func wire(suffix: String) throws {
        let (hvToVM, vmLink) = (captureInterface, "vm\(suffix)")
        let (hvToBad, badLink) = ("hb\(suffix)", "bd\(suffix)")
        let hv = hypervisor.runner
        try hv.check("ip", ["link", "add", hvToVM, "type", "veth", "peer", "name", vmLink, "netns", vm.name])
        try hv.check("ip", ["link", "add", hvToBad, "type", "veth", "peer", "name", badLink, "netns", badHost.name])

        try hv.check("ip", ["address", "add", "192.0.2.1/24", "dev", hvToVM])
        try hv.check("ip", ["address", "add", "198.51.100.1/24", "dev", hvToBad])
        try hv.check("ip", ["link", "set", hvToVM, "up"])
        try hv.check("ip", ["link", "set", hvToBad, "up"])
        try hv.check("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"])

        try vm.runner.check("ip", ["address", "add", "\(Self.vmAddress)/24", "dev", vmLink])
        try vm.runner.check("ip", ["link", "set", vmLink, "up"])
        try vm.runner.check("ip", ["route", "add", "default", "via", "192.0.2.1"])

        try badHost.runner.check("ip", ["address", "add", "\(Self.badHostAddress)/24", "dev", badLink])
        try badHost.runner.check("ip", ["link", "set", badLink, "up"])
        try badHost.runner.check("ip", ["route", "add", "default", "via", "198.51.100.1"])
    }

    func delete() {
        for namespace in [vm, hypervisor, badHost] { namespace.delete() }
    }

    /// Returns whether Agora's nftables set in the hypervisor namespace lists `address`. A missing
    /// table counts as not listed.
    func isBlocked(_ address: String) -> Bool {
        guard let output = try? hypervisor.runner.run("nft", ["-j", "list", "set", "inet", "agora", "blocked4"]),
            output.status == 0
        else { return false }
        return output.stdoutText.contains("\"\(address)\"")
    }

    /// Starts `arguments` inside `namespace` with `ip netns exec`, which replaces itself with the
    /// command, so the returned process id is the command's own. Output goes to `log`.
    static func start(in namespace: NetworkNamespace, _ arguments: [String], log: URL) throws -> Process {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SensorLiveCaptureTests.ipCommand ?? "/usr/sbin/ip")
        process.arguments = ["netns", "exec", namespace.name] + arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}

/// Ends a child process that this test started, by its id, and waits for it.
func stopProcess(_ process: Process) {
    // SIGKILL, because a child may inherit a signal mask that blocks SIGTERM.
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}

/// Checks `condition` every `interval` seconds for at most `seconds`; returns whether it became true.
func waitUntil(seconds: Double, interval: Double = 0.05, _ condition: () -> Bool) async -> Bool {
    let deadline = Date() + seconds
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
    }
    return condition()
}

/// Checks `condition` on a thread of its own every `interval` seconds for at most `seconds`, and
/// returns the time it first held, or nil. A condition that runs a process blocks its thread
/// until the process exits, and on a thread of its own it leaves Swift's cooperative threads,
/// as many as the cores, to the service under test.
func timeWhen(
    seconds: Double, interval: Double, _ condition: @escaping @Sendable () -> Bool
) async -> Date? {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            let deadline = Date() + seconds
            while Date() < deadline {
                if condition() {
                    continuation.resume(returning: Date())
                    return
                }
                Thread.sleep(forTimeInterval: interval)
            }
            continuation.resume(returning: condition() ? Date() : nil)
        }
    }
}
