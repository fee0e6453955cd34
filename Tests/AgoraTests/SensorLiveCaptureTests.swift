import Foundation
import Testing

/// A live capture on the loopback interface of a network namespace the test creates, so no other
/// interface is touched. Needs root, iproute2 and python3, and an `agora` binary with the sensor
/// command (`AGORA_BINARY`, else the one built beside the tests); skipped without them.
@Suite struct SensorLiveCaptureTests {
    static let ipCommand = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static var agora: URL {
        if let path = ProcessInfo.processInfo.environment["AGORA_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return TestSupport.agoraBinary
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> TestSupport.ProcessResult {
        try TestSupport.run(URL(fileURLWithPath: executable), arguments)
    }

    @Test(.enabled(if: LiveCaptureSupport.isAvailable)) func loopbackFlows() throws {
        let ip = try #require(Self.ipCommand)
        let namespace = "agora-test-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        #expect(try Self.run(ip, ["netns", "add", namespace]).status == 0)
        defer { _ = try? Self.run(ip, ["netns", "delete", namespace]) }
        #expect(try Self.run(ip, ["netns", "exec", namespace, ip, "link", "set", "lo", "up"]).status == 0)

        let sensor = Process()
        sensor.executableURL = URL(fileURLWithPath: ip)
        sensor.arguments = [
            "netns", "exec", namespace, Self.agora.path, "sensor", "--interface", "lo", "--all-flows",
            "--max-packets", "2",
        ]
        let output = Pipe()
        let error = Pipe()
        sensor.standardOutput = output
        sensor.standardError = error
        try sensor.run()

        // UDP datagrams to a closed port on 127.0.0.1, until the sensor has its two packets.
        let sender = Process()
        sender.executableURL = URL(fileURLWithPath: ip)
        let script = """
            import socket, time
            for _ in range(400):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.sendto(b"agora", ("127.0.0.1", 9))
                s.close()
                time.sleep(0.05)
            """
        sender.arguments = ["netns", "exec", namespace, "python3", "-c", script]
        try sender.run()

        // The sender inherits the sensor's pipes, so they reach end of file only once both have
        // exited. The sensor writes a few hundred bytes, well under a pipe's buffer.
        while sensor.isRunning && sender.isRunning { usleep(50_000) }
        // SIGKILL, because the children may inherit a signal mask that blocks SIGTERM.
        if sensor.isRunning { kill(sensor.processIdentifier, SIGKILL) }
        if sender.isRunning { kill(sender.processIdentifier, SIGKILL) }
        sensor.waitUntilExit()
        sender.waitUntilExit()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()

        let lines = String(decoding: outputData, as: UTF8.self).split(separator: "\n")
        let summary = String(decoding: errorData, as: UTF8.self)
        #expect(sensor.terminationStatus == 0)
        #expect(summary.contains("packets read: 2"))
        #expect(summary.contains("undecodable: 0"))
        let udp = lines.first { $0.contains(#""proto":"UDP""#) }
        #expect(udp?.contains(#""src_ip":"127.0.0.1""#) == true)
        #expect(udp?.contains(#""dest_ip":"127.0.0.1","dest_port":9"#) == true)
    }
}

enum LiveCaptureSupport {
    /// Whether the live capture test can run here.
    static let isAvailable: Bool = {
        guard getuid() == 0, SensorLiveCaptureTests.ipCommand != nil else { return false }
        guard (try? SensorLiveCaptureTests.run(SensorLiveCaptureTests.agora.path, ["sensor", "--help"]).status) == 0
        else { return false }
        return (try? SensorLiveCaptureTests.run("/usr/bin/env", ["python3", "-c", "pass"]).status) == 0
    }()
}
