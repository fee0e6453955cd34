import Foundation
import OpenStack

/// The shared directory beside the repository that contains the behaviour cases: `AGORA_SHARED`,
/// or `../shared` from the repository root.
enum SharedCases {
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["AGORA_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent("cases").appendingPathComponent(relativePath)
    }

    static func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    static func json(_ relativePath: String) throws -> JSON {
        try JSON.parse(try Data(contentsOf: url(relativePath)), source: relativePath)
    }
}
