import Foundation

/// An nginx of the benchmark's own: a configuration in a temporary folder, one 127.0.0.1 port,
/// `daemon off`, and stopped by its process id. It serves the files of `folder/www`.
final class NginxInstance {
    let folder: String
    let port: Int
    private let process = Process()

    init(folder: String) throws {
        self.folder = folder
        port = try freePort()
        for name in ["www", "temp"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
        }
        // Two workers (nginx's `auto` on this machine) and keep-alive without a request limit,
        // so that nginx, like Agora's server, never closes a wrk connection during a run.
        let configuration = """
            daemon off;
            worker_processes auto;
            pid \(folder)/nginx.pid;
            error_log \(folder)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                keepalive_requests 1000000;
                client_body_temp_path \(folder)/temp/body;
                proxy_temp_path \(folder)/temp/proxy;
                fastcgi_temp_path \(folder)/temp/fastcgi;
                uwsgi_temp_path \(folder)/temp/uwsgi;
                scgi_temp_path \(folder)/temp/scgi;
                default_type application/json;
                server {
                    listen 127.0.0.1:\(port);
                    root \(folder)/www;
                }
            }
            """
        try configuration.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-p", folder, "-c", folder + "/nginx.conf", "-e", folder + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Writes a file of exactly `bytes` bytes under the root and returns its URL.
    func serve(name: String, bytes: Int) throws -> String {
        var data = Data(repeating: UInt8(ascii: " "), count: bytes)
        if bytes >= 2 {
            data[0] = UInt8(ascii: "{")
            data[bytes - 1] = UInt8(ascii: "}")
        }
        try data.write(to: URL(fileURLWithPath: folder + "/www/" + name))
        return "http://127.0.0.1:\(port)/\(name)"
    }

    /// Sends SIGTERM to this nginx's master process and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago: bound with port 0, read back, closed.
func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw BenchmarkError("socket() failed: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    guard bound else { throw BenchmarkError("binding a free port on 127.0.0.1 failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
