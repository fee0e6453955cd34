#if canImport(Glibc)
    import Glibc
#endif

/// Reads lines from a file descriptor (standard input, a socket connection) until end of file.
///
/// Unlike a followed file, a stream has no offset to resume at. A last line without LF at end of
/// file is handed over with `complete` false, so the caller can report it as cut off.
public struct DescriptorLineReader {
    public let descriptor: Int32
    public let maximumLineBytes: Int

    public init(descriptor: Int32, maximumLineBytes: Int = 16 << 20) {
        self.descriptor = descriptor
        self.maximumLineBytes = maximumLineBytes
    }

    /// Reads to end of file, calling `handle` with each line, its number, whether it was cut for
    /// length, and whether it ended with LF. Returns the number of lines.
    @discardableResult
    public func readAll(
        _ handle: (_ line: ArraySlice<UInt8>, _ lineNumber: Int, _ truncated: Bool, _ complete: Bool) -> Void
    ) throws(InputError) -> Int {
        var splitter = LineSplitter(maximumLineBytes: maximumLineBytes)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var lineNumber = 0
        while true {
            let received = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if received < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: "file descriptor \(descriptor)", errno: errno)
            }
            if received == 0 { break }
            splitter.feed(buffer[0..<received]) { line, truncated, _ in
                lineNumber += 1
                handle(line, lineNumber, truncated, true)
            }
        }
        if splitter.pendingByteCount > 0 {
            lineNumber += 1
            handle(splitter.pending[...], lineNumber, splitter.pending.count < splitter.pendingByteCount, false)
        }
        return lineNumber
    }
}
