import Foundation

/// The destination of `agora sensor --push`: the server root, the ids data source that takes the
/// EVE lines, and the API key.
struct SensorPushOptions {
    var server: URL
    var dataSource: String
    var token: String?

    /// Reads `--push`, `--datasource` and `--token`; returns nil without `--push`. The token
    /// defaults to `AGORA_TOKEN`, as the client commands' does.
    init?(
        _ options: CommandLineArguments, facts: Bool, socket: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CommandLineArguments.UsageError) {
        guard let text = options[option: "push"] else {
            for name in ["datasource", "token"] where options[option: name] != nil {
                throw .init(message: "--\(name) only goes with --push URL")
            }
            return nil
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host != nil
        else {
            throw .init(message: "invalid --push \(text); give the server's URL, such as http://127.0.0.1:8080")
        }
        guard let name = options[option: "datasource"], !name.isEmpty else {
            throw .init(message: "--push needs --datasource NAME, the ids data source that takes the lines")
        }
        if socket != nil {
            throw .init(message: "give one of --socket PATH and --push URL")
        }
        if facts {
            throw .init(message: "--push sends EVE lines; leave out --output facts")
        }
        server = url
        dataSource = name
        token = options[option: "token"] ?? environment["AGORA_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
