import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An input that failed in a way the reader cannot skip past.
public enum InputError: Error, Equatable, CustomStringConvertible {
    case readFailed(path: String, errno: Int32)
    case offsetStoreFailed(path: String, reason: String)
    case socketFailed(path: String, call: String, errno: Int32)

    public var description: String {
        switch self {
        case .readFailed(let path, let code):
            return "reading \(path) failed: \(String(cString: strerror(code)))"
        case .offsetStoreFailed(let path, let reason):
            return "saving the read offset of \(path) failed: \(reason); check that its folder is writable"
        case .socketFailed(let path, let call, let code):
            return "\(call) on unix socket \(path) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// Follows a log file as it grows, as `tail -F` does, and hands each complete line over once.
///
/// It survives rename rotation (the renamed file is read to its end before the new one is
/// opened, and once more on the next poll for lines the writer added before reopening),
/// copy-and-truncate (noticed by a smaller size or changed first bytes), and a torn last line
/// (held until its LF arrives). After each poll it commits the offset of the last complete line
/// to an `OffsetStore`, so a restart resumes there, also when the file was rotated meanwhile.
public final class FileFollower {
    public let path: String
    private let store: any OffsetStore
    private let logger: Logger
    private let maximumLineBytes: Int
    private var current: FollowedFile?
    private var draining: FollowedFile?

    /// Creates a follower of `path`. Lines longer than `maximumLineBytes` are cut (see `LineSplitter`).
    public init(path: String, store: any OffsetStore, maximumLineBytes: Int = 16 << 20, logger: Logger) {
        self.path = path
        self.store = store
        self.maximumLineBytes = maximumLineBytes
        self.logger = logger
    }

    deinit {
        current?.close()
        draining?.close()
    }

    /// A line read from the file: its bytes without LF, its line number and the file's path.
    public typealias LineHandler = (_ line: ArraySlice<UInt8>, _ lineNumber: Int, _ truncated: Bool) -> Void

    /// Reads every line completed since the last poll and commits the new offset.
    /// Returns the number of lines handed to `handle`.
    ///
    /// `beforeCommit` runs after the last line was handed over and before the offset is
    /// committed. A caller that must not lose lines in a crash makes them durable there, because
    /// a restart resumes after the committed offset.
    @discardableResult
    public func poll(_ handle: LineHandler, beforeCommit: () -> Void = {}) throws(InputError) -> Int {
        var count = 0
        if let old = draining {
            let read = try old.readAvailable(handle)
            count += read
            if read == 0 {
                logger.info("closed rotated file", metadata: ["path": path, "lines": String(old.lineNumber)])
                old.close()
                draining = nil
            }
        }

        if current == nil {
            current = try openForResume()
            // NOTE: only the named file's offset is committed, so a crash while a rotated file
            // found on resume is drained reads that file's remaining lines again.
            if let old = draining {
                count += try old.readAvailable(handle)
            }
        }
        guard let file = current else { return count }
        if file.wasReplacedInPlace() {
            logger.warning("file truncated or replaced in place, reading from its start", metadata: ["path": path])
            file.restart()
        }
        count += try file.readAvailable(handle)

        if let identity = FileIdentity(path: path), identity != file.identity {
            logger.info("file rotated, opening the new one", metadata: ["path": path])
            draining?.close()
            draining = file
            current = FollowedFile(path: path, maximumLineBytes: maximumLineBytes)
            if let next = current {
                count += try next.readAvailable(handle)
            }
        }
        beforeCommit()
        try commit()
        return count
    }

    private func commit() throws(InputError) {
        guard let position = current?.position else { return }
        do {
            try store.commit(position, for: path)
        } catch {
            throw .offsetStoreFailed(path: path, reason: "\(error)")
        }
    }

    /// Opens `path` at the stored position. When the stored file is gone from `path` but still in
    /// its folder under another name (rotated while stopped), that file is drained first.
    private func openForResume() throws(InputError) -> FollowedFile? {
        let stored: StreamPosition?
        do {
            stored = try store.position(for: path)
        } catch {
            throw .offsetStoreFailed(path: path, reason: "\(error)")
        }
        guard let file = FollowedFile(path: path, maximumLineBytes: maximumLineBytes) else { return nil }
        guard let stored else { return file }
        if file.identity.matches(stored), file.resume(at: stored) {
            logger.info("resuming", metadata: ["path": path, "offset": String(stored.offset)])
            return file
        }
        if let rotated = findRotatedFile(stored), rotated.resume(at: stored) {
            logger.info("resuming in rotated file", metadata: ["path": path, "rotated": rotated.path])
            draining = rotated
        }
        return file
    }

    private func findRotatedFile(_ stored: StreamPosition) -> FollowedFile? {
        let folder = (path as NSString).deletingLastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        for name in names {
            let candidate = (folder as NSString).appendingPathComponent(name)
            if candidate != path, let identity = FileIdentity(path: candidate), identity.matches(stored) {
                return FollowedFile(path: candidate, maximumLineBytes: maximumLineBytes)
            }
        }
        return nil
    }
}
