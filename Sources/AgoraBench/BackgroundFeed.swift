import Agora
import Foundation

/// Pushes pre-made EVE lines into an ids source at a steady rate from a thread of its own,
/// cycling through the lines. Each round pushes what is due since the start, at most
/// `maxBatch` lines, so a feed that falls behind shows as a lower achieved rate.
final class BackgroundFeed: @unchecked Sendable {
    private let source: IDSSource
    private let bytes: [UInt8]
    private let lines: [Range<Int>]
    private let rate: Int
    private let maxBatch: Int
    private let lock = NSLock()
    private var pushed = 0
    private var running = true
    private var started: UInt64 = 0
    private let finished = DispatchSemaphore(value: 0)

    init(source: IDSSource, bytes: [UInt8], lines: [Range<Int>], rate: Int, maxBatch: Int) {
        self.source = source
        self.bytes = bytes
        self.lines = lines
        self.rate = rate
        self.maxBatch = maxBatch
    }

    func start() {
        started = DispatchTime.now().uptimeNanoseconds
        let thread = Thread { [self] in run() }
        thread.name = "agora-bench-feed"
        thread.start()
    }

    /// Stops the feed and waits for its last push to return.
    func stop() {
        lock.withLock { running = false }
        finished.wait()
    }

    /// The lines pushed so far and the seconds since the start.
    func snapshot() -> (lines: Int, seconds: Double) {
        let count = lock.withLock { pushed }
        return (count, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }

    private func run() {
        var cursor = 0
        var batch: [ArraySlice<UInt8>] = []
        batch.reserveCapacity(maxBatch)
        while lock.withLock({ running }) {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let due = Int(elapsed * Double(rate)) - lock.withLock { pushed }
            guard due > 0 else {
                Thread.sleep(forTimeInterval: 0.0005)
                continue
            }
            batch.removeAll(keepingCapacity: true)
            for _ in 0..<min(due, maxBatch) {
                batch.append(bytes[lines[cursor]])
                cursor = cursor + 1 == lines.count ? 0 : cursor + 1
            }
            source.push(lines: batch, source: "agora-bench-background")
            lock.withLock { pushed += batch.count }
        }
        finished.signal()
    }
}
