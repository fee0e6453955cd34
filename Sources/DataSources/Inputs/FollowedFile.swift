#if canImport(Glibc)
    import Glibc
#endif

/// A file's device and inode, which stay the same across a rename and change when a new file
/// takes the name.
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    func matches(_ position: StreamPosition) -> Bool {
        device == position.device && inode == position.inode
    }
}

/// One open file being read line by line from a committed offset.
final class FollowedFile {
    /// Bytes at the start of the file whose fingerprint detects a truncate-and-rewrite of equal size.
    static let headLimit = 256

    let path: String
    let identity: FileIdentity
    private let descriptor: Int32
    private var splitter: LineSplitter
    private(set) var committedOffset: Int64 = 0
    private(set) var lineNumber = 0
    private var headLength = 0
    private var headFingerprint: UInt64 = 0

    init?(path: String, maximumLineBytes: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, let identity = FileIdentity(descriptor: descriptor) else {
            if descriptor >= 0 { Glibc.close(descriptor) }
            return nil
        }
        self.path = path
        self.descriptor = descriptor
        self.identity = identity
        self.splitter = LineSplitter(maximumLineBytes: maximumLineBytes)
    }

    func close() {
        Glibc.close(descriptor)
    }

    var position: StreamPosition {
        StreamPosition(
            device: identity.device, inode: identity.inode, offset: committedOffset, lineNumber: lineNumber,
            headLength: headLength, headFingerprint: headFingerprint)
    }

    /// Moves to a stored position if the file still starts with the bytes it had then.
    func resume(at stored: StreamPosition) -> Bool {
        guard fileSize() >= stored.offset, fingerprint(length: stored.headLength) == stored.headFingerprint else {
            return false
        }
        committedOffset = stored.offset
        lineNumber = stored.lineNumber
        headLength = stored.headLength
        headFingerprint = stored.headFingerprint
        return true
    }

    /// Whether the file shrank below the committed offset or its first bytes changed.
    func wasReplacedInPlace() -> Bool {
        if fileSize() < committedOffset + Int64(splitter.pendingByteCount) { return true }
        return headLength > 0 && fingerprint(length: headLength) != headFingerprint
    }

    func restart() {
        committedOffset = 0
        lineNumber = 0
        headLength = 0
        headFingerprint = 0
        splitter.reset()
    }

    /// Reads to the end of the file and hands over each complete line; returns how many.
    func readAvailable(_ handle: FileFollower.LineHandler) throws(InputError) -> Int {
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let readOffset = committedOffset + Int64(splitter.pendingByteCount)
            let received = buffer.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress, $0.count, off_t(readOffset))
            }
            if received < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, errno: errno)
            }
            if received == 0 { break }
            splitter.feed(buffer[0..<received]) { line, truncated, bytes in
                committedOffset += Int64(bytes)
                lineNumber += 1
                count += 1
                handle(line, lineNumber, truncated)
            }
        }
        if headLength < Self.headLimit && committedOffset > Int64(headLength) {
            headLength = Int(min(committedOffset, Int64(Self.headLimit)))
            headFingerprint = fingerprint(length: headLength)
        }
        return count
    }

    private func fileSize() -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return 0 }
        return Int64(info.st_size)
    }

    /// FNV-1a over the first `length` bytes; 0 for a length the file no longer has.
    private func fingerprint(length: Int) -> UInt64 {
        guard length > 0 else { return 0 }
        var bytes = [UInt8](repeating: 0, count: length)
        let received = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, 0) }
        guard received == length else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
