/// Cuts a byte stream into lines on LF, keeping a torn last line until its LF arrives.
///
/// A line longer than `maximumLineBytes` is cut: its first `maximumLineBytes` bytes are emitted
/// with `truncated` set and the rest is skipped up to the next LF, so one runaway line cannot
/// exhaust memory. A CR before the LF is dropped.
struct LineSplitter {
    let maximumLineBytes: Int
    private(set) var pending: [UInt8] = []
    private var skippingRest = false

    init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Bytes held for a line whose LF has not arrived yet, counting skipped bytes of a cut line.
    private(set) var pendingByteCount = 0

    mutating func reset() {
        pending.removeAll(keepingCapacity: true)
        pendingByteCount = 0
        skippingRest = false
    }

    /// Feeds `chunk`; calls `emit` for each complete line with the number of bytes it used, LF included.
    mutating func feed(
        _ chunk: ArraySlice<UInt8>, emit: (_ line: ArraySlice<UInt8>, _ truncated: Bool, _ bytes: Int) -> Void
    ) {
        var start = chunk.startIndex
        while start < chunk.endIndex {
            guard let newline = chunk[start...].firstIndex(of: 0x0A) else {
                append(chunk[start...])
                return
            }
            append(chunk[start..<newline])
            let used = pendingByteCount + 1
            emit(trimCarriageReturn(pending[...]), skippingRest, used)
            reset()
            start = newline + 1
        }
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>) {
        pendingByteCount += bytes.count
        guard !skippingRest else { return }
        let room = maximumLineBytes - pending.count
        if bytes.count > room {
            pending.append(contentsOf: bytes.prefix(room))
            skippingRest = true
        } else {
            pending.append(contentsOf: bytes)
        }
    }
}
