import DataSources
import Datalog
import Foundation

/// The `ids` data source: follows IDS log files as they grow (Suricata EVE, Snort, Zeek),
/// expires rows after the retention window, and takes lines pushed over HTTP.
///
/// Options: `files` (comma-separated paths), `format` (`suricata`, `snort`, `zeek`; default
/// `suricata`), `retention_seconds` (default 900), `poll_interval_ms` (default 200), `socket`
/// (a unix stream socket path to listen on, as Suricata's `unix_stream` output writes).
public final class IDSSource: ManagedSource, @unchecked Sendable {
    public let config: DataSourceConfig
    public var tables: [String: [String]] {
        Dictionary(uniqueKeysWithValues: IDSTables.all.map { ("ids:" + $0.name, $0.columns) })
    }
    private let driver: IDSDriver
    private let followers: [FileFollower]
    private let offsets: any OffsetStore
    private let lock = NSLock()
    private let box = StatusBox()
    private var thread: Thread?
    private var socket: UnixSocketListener?
    private var deliver: (@Sendable ([TableDelta]) -> Void)?
    /// Blocks until everything delivered so far is durable: applied, its incidents saved and its
    /// actions in the ledger. Read offsets are committed only after it returns, so lines that a
    /// crash kept from having effects are read again. Set before `start`.
    public var durabilityBarrier: (@Sendable () -> Void)?
    private let interval: Double
    private let logger: Logger

    public init(config: DataSourceConfig, offsets: any OffsetStore, logger: Logger) throws(SourceError) {
        self.config = config
        self.offsets = offsets
        self.logger = logger
        let format = config.options["format"] ?? "suricata"
        let year = Int64(Calendar(identifier: .gregorian).component(.year, from: Date()))
        let make: () -> any IDSLineTranslator
        switch format {
        case "suricata", "eve": make = { EVETranslator() }
        case "snort": make = { SnortTranslator(year: year) }
        case "zeek": make = { ZeekTranslator() }
        default:
            throw .invalidOption(
                source: config.name, option: "format", value: format, expected: "suricata, snort or zeek")
        }
        let retention = try config.positiveInteger("retention_seconds", default: 900)
        interval = Double(try config.positiveInteger("poll_interval_ms", default: 200)) / 1000
        driver = IDSDriver(retentionSeconds: retention, logger: logger, makeTranslator: make)
        let paths = (config.options["files"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        followers = paths.map { FileFollower(path: $0, store: offsets, logger: logger) }
    }

    public func status() -> SourceStatus {
        var status = box.read()
        lock.lock()
        status.recordsRead = driver.statistics.linesRead
        status.recordsRejected = driver.statistics.linesRejected
        lock.unlock()
        return status
    }

    /// The most recent lines the driver rejected, with their reasons.
    public func rejections() -> [IDSDriver.Rejection] {
        lock.lock()
        defer { lock.unlock() }
        return driver.recentRejections
    }

    public func start(deliver: @escaping @Sendable ([TableDelta]) -> Void) {
        self.deliver = deliver
        if let path = config.options["socket"] {
            let listener = UnixSocketListener(path: path, logger: logger) {
                [weak self] line, source, number, complete in
                self?.ingest([(line, source, number, complete)])
            }
            do {
                try listener.start()
                socket = listener
            } catch {
                box.update { $0.lastError = "\(error)" }
            }
        }
        let thread = Thread { [weak self] in self?.run() }
        thread.name = "agora-ids-\(config.name)"
        self.thread = thread
        thread.start()
    }

    public func stop() {
        thread?.cancel()
        socket?.stop()
    }

    /// Takes lines pushed over HTTP (one record a line); returns how many were read.
    @discardableResult
    public func push(lines: [ArraySlice<UInt8>], source: String) -> Int {
        ingest(lines.enumerated().map { ($0.element, source, $0.offset + 1, true) })
        return lines.count
    }

    /// Reads every file once, expires old rows, and delivers the changes; returns the lines read.
    @discardableResult
    public func pollOnce() -> Int {
        var count = 0
        var missing: [String] = []
        for follower in followers {
            if !FileManager.default.fileExists(atPath: follower.path) { missing.append(follower.path) }
            var batch: [(ArraySlice<UInt8>, String, Int, Bool)] = []
            do {
                try follower.poll(
                    { line, number, truncated in
                        batch.append((line, follower.path, number, !truncated))
                        if batch.count >= 4096 {
                            self.ingest(batch)
                            count += batch.count
                            batch.removeAll(keepingCapacity: true)
                        }
                    },
                    beforeCommit: {
                        self.ingest(batch)
                        count += batch.count
                        let delivered = !batch.isEmpty
                        batch.removeAll(keepingCapacity: true)
                        if delivered { self.durabilityBarrier?() }
                    })
                box.update { $0.lastError = nil }
            } catch {
                box.update { $0.lastError = "\(follower.path): \(error)" }
            }
            ingest(batch)
            count += batch.count
        }
        lock.lock()
        let expired = driver.expire()
        lock.unlock()
        if !expired.isEmpty { deliver?(expired) }
        box.update {
            $0.initialized = true
            if !missing.isEmpty {
                $0.lastError = "waiting for " + missing.joined(separator: ", ") + ": no such file"
            }
            if $0.lastError == nil { $0.lastUpdated = Date() }
        }
        return count
    }

    private func ingest(_ lines: [(ArraySlice<UInt8>, String, Int, Bool)]) {
        guard !lines.isEmpty else { return }
        var deltas: [TableDelta] = []
        lock.lock()
        for (line, source, number, complete) in lines {
            deltas += driver.ingest(line: line, source: source, lineNumber: number, complete: complete)
        }
        lock.unlock()
        let merged = PolicyEngine.merge(deltas)
        if !merged.isEmpty {
            box.update { $0.numberOfUpdates += 1 }
            deliver?(merged)
        }
    }

    private func run() {
        while !Thread.current.isCancelled {
            let read = pollOnce()
            if read == 0 { Thread.sleep(forTimeInterval: interval) }
        }
    }
}
