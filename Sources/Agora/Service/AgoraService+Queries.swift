import Datalog
import Foundation
import OpenStack

extension AgoraService {
    /// The mode new policies start in.
    public var defaultMode: String { configuration.text("enforcement", "default_mode") }

    /// Each server's project, from the Nova table.
    public func projectOfServers() -> [String: String] {
        engine.withRuntime { runtime in
            var projects: [String: String] = [:]
            for row in runtime.rows(of: "nova:servers") where row.count > 4 {
                if let id = row[0].string, let project = row[4].string { projects[id] = project }
            }
            return projects
        }
    }
}
