import Foundation

/// Locates the shared test data: `$AGORA_SHARED` when set, else `shared` beside the repository root.
enum SharedData {
    static let root: URL = {
        if let path = ProcessInfo.processInfo.environment["AGORA_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // #filePath is <root>/Tests/DataSourcesTests/SharedData.swift.
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relativePath)))
    }

    /// Paths relative to `root` of every regular file under `folder`, sorted.
    static func files(under folder: String) -> [String] {
        let base = url(folder)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var paths: [String] = []
        for case let file as URL in enumerator {
            let values = try? file.resourceValues(forKeys: [.isRegularFileKey])
            guard values?.isRegularFile == true else { continue }
            let relative = file.path.dropFirst(root.path.count).drop(while: { $0 == "/" })
            paths.append(String(relative))
        }
        return paths.sorted()
    }
}
