import Foundation

/// The read position in a followed file: the file's identity, the byte offset after the last
/// line handled, and a fingerprint of the file's first bytes to notice a file replaced in place.
public struct StreamPosition: Codable, Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var offset: Int64
    /// Lines handled so far, so that messages keep naming the right line after a restart.
    public var lineNumber: Int
    public var headLength: Int
    public var headFingerprint: UInt64

    public init(device: UInt64, inode: UInt64, offset: Int64, lineNumber: Int, headLength: Int, headFingerprint: UInt64)
    {
        self.device = device
        self.inode = inode
        self.offset = offset
        self.lineNumber = lineNumber
        self.headLength = headLength
        self.headFingerprint = headFingerprint
    }
}

/// Persists stream positions so that reading resumes after a restart where it stopped.
public protocol OffsetStore: AnyObject {
    func position(for source: String) throws -> StreamPosition?
    func commit(_ position: StreamPosition, for source: String) throws
}

/// Keeps positions in memory only, for tests and one-shot reads.
public final class MemoryOffsetStore: OffsetStore {
    private var positions: [String: StreamPosition] = [:]

    public init() {}

    public func position(for source: String) -> StreamPosition? { positions[source] }

    public func commit(_ position: StreamPosition, for source: String) { positions[source] = position }
}

/// Keeps positions in one JSON file, replaced atomically (written beside it, then renamed) on
/// every commit, so a crash leaves either the old or the new positions.
public final class FileOffsetStore: OffsetStore {
    public let url: URL
    private var positions: [String: StreamPosition]

    /// Opens the store at `url`, reading the positions it holds; a missing file is an empty store.
    public init(url: URL) throws {
        self.url = url
        if FileManager.default.fileExists(atPath: url.path) {
            let data = try Data(contentsOf: url)
            positions = try JSONDecoder().decode([String: StreamPosition].self, from: data)
        } else {
            positions = [:]
        }
    }

    public func position(for source: String) -> StreamPosition? { positions[source] }

    public func commit(_ position: StreamPosition, for source: String) throws {
        guard positions[source] != position else { return }
        positions[source] = position
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(positions).write(to: url, options: .atomic)
    }
}
