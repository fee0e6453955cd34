import Foundation

@testable import Store

#if canImport(Glibc)
    import Glibc
#endif

/// Why the test PostgreSQL server did not start.
struct PostgresServerError: Error, CustomStringConvertible {
    let description: String
}

/// A PostgreSQL 15 cluster that the tests start once per test process, in a temporary directory,
/// listening on 127.0.0.1 at a free port with trust authentication, and stop when the process
/// exits. As root, the server runs as the system user `agora-test` (created when missing),
/// because `initdb` refuses to run as root.
final class PostgresServer: Sendable {
    static let binaries = "/usr/lib/postgresql/15/bin"
    static let systemUser = "agora-test"

    /// The server, started on first use by the first test that needs it.
    static let shared: Result<PostgresServer, PostgresServerError> = {
        do {
            return .success(try PostgresServer())
        } catch let error as PostgresServerError {
            return .failure(error)
        } catch {
            return .failure(PostgresServerError(description: "\(error)"))
        }
    }()

    let port: Int
    let directory: String
    private let admin: PostgresDatabase

    static func require() throws -> PostgresServer {
        do {
            return try shared.get()
        } catch {
            throw PostgresServerError(description: "the test PostgreSQL server did not start: \(error)")
        }
    }

    private init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binaries + "/initdb") else {
            throw PostgresServerError(
                description: "\(Self.binaries)/initdb is missing; install the Debian package postgresql")
        }
        directory = NSTemporaryDirectory() + "agora-pg-\(UUID().uuidString.prefix(8))"
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let prefix = try Self.userPrefix(owning: directory)

        try Self.run(
            prefix + ["\(Self.binaries)/initdb", "-D", data, "-U", "agora", "--auth=trust", "-E", "UTF8", "--no-sync"],
            log: directory + "/initdb.log")

        var started: Int?
        for _ in 0..<3 where started == nil {
            let candidate = try Self.freePort()
            let options = "-k \(directory) -c listen_addresses=127.0.0.1 -p \(candidate) -c fsync=off"
            let command = ["\(Self.binaries)/pg_ctl", "-D", data, "-o", options, "-l", directory + "/server.log", "-w"]
            if (try? Self.run(prefix + command + ["start"], log: directory + "/pg_ctl.log")) != nil {
                started = candidate
            }
        }
        guard let started else {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "no server log"
            throw PostgresServerError(description: "pg_ctl start failed 3 times; server log:\n\(log)")
        }
        port = started
        PostgresServerCleanup.register([
            prefix + ["\(Self.binaries)/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],
            ["/bin/rm", "-rf", directory],
        ])

        admin = try PostgresDatabase(conninfo: "postgresql://agora@127.0.0.1:\(port)/postgres")
    }

    /// Creates an empty database and returns its URL.
    func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try admin.executeOutsideTransaction("CREATE DATABASE \(name)")
        return "postgresql://agora@127.0.0.1:\(port)/\(name)"
    }

    /// Ends the server process of another connection, as a crash or a restart of the server would.
    func terminateBackend(_ pid: Int64) throws {
        try admin.write { sql in try sql.execute("SELECT pg_terminate_backend($1::integer)", [.integer(pid)]) }
    }

    /// Makes `agora-test` the owner of `directory` and returns the `runuser` prefix that runs a
    /// command as that user, when the tests run as root. Returns an empty prefix otherwise.
    private static func userPrefix(owning directory: String) throws -> [String] {
        guard getuid() == 0 else { return [] }
        if getpwnam(systemUser) == nil {
            try run(
                ["/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", systemUser],
                log: directory + "/useradd.log")
        }
        guard let user = getpwnam(systemUser) else {
            throw PostgresServerError(description: "the system user \(systemUser) is missing after useradd")
        }
        guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw PostgresServerError(description: "chown \(directory) to \(systemUser) failed: errno \(errno)")
        }
        return ["/usr/sbin/runuser", "-u", systemUser, "--"]
    }

    /// Runs a command with its output in `log`, and throws with the log when it fails.
    @discardableResult
    static func run(_ arguments: [String], log: String) throws -> Int32 {
        let status = PostgresServerCleanup.spawn(arguments, log: log)
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw PostgresServerError(
                description: "\(arguments.joined(separator: " ")) exited with status \(status):\n\(output)")
        }
        return status
    }

    /// Returns a TCP port on 127.0.0.1 that was free a moment ago. Another process may take it
    /// before the server binds it, so the caller retries with a new one.
    private static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw PostgresServerError(description: "socket() failed: errno \(errno)") }
        defer { Glibc.close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
        }
        guard bound == 0 else { throw PostgresServerError(description: "bind() failed: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        guard named == 0 else { throw PostgresServerError(description: "getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Stops the test server when the test process exits, through `atexit`, since Swift Testing has
/// no hook that runs after the last test.
enum PostgresServerCleanup {
    nonisolated(unsafe) private static var commands: [[String]] = []

    /// Registers the commands to run, in order, at exit. Called once, from the server's start.
    static func register(_ commands: [[String]]) {
        Self.commands = commands
        atexit {
            for command in PostgresServerCleanup.commands {
                _ = PostgresServerCleanup.spawn(command, log: "/dev/null")
            }
        }
    }

    /// Runs a command with stdout and stderr appended to `log` and returns its exit status,
    /// through posix_spawn so that it also works inside an `atexit` handler.
    static func spawn(_ arguments: [String], log: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS are macros that Swift does not import.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
    }
}
