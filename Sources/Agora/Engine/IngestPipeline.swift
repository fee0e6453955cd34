import DataSources
import Datalog
import Foundation

/// Carries data-source deltas into the engine on one thread, in arrival order, and hands the
/// derived deltas of each engine update to the service.
///
/// Sources submit from their own threads and return at once. The worker takes everything that
/// queued up since its last round and applies it as one batch, so under a heavy feed each
/// engine update covers many events, and under a light one an event is applied as soon as it
/// arrives.
public final class IngestPipeline: @unchecked Sendable {
    private let engine: PolicyEngine
    private let handle: @Sendable ([TableDelta]) -> Void
    private let condition = NSCondition()
    private var queue: [TableDelta] = []
    private var submitted: Int64 = 0
    private var applied: Int64 = 0
    private var running = true
    private var thread: Thread?
    private let logger: Logger
    /// Table changes the engine refused (a row of the wrong width), for the metrics.
    public private(set) var rejectedBatches = 0

    public init(engine: PolicyEngine, logger: Logger, handle: @escaping @Sendable ([TableDelta]) -> Void) {
        self.engine = engine
        self.logger = logger
        self.handle = handle
        let thread = Thread { [weak self] in self?.run() }
        thread.name = "agora-pipeline"
        self.thread = thread
        thread.start()
    }

    /// Queues deltas; returns at once.
    public func submit(_ deltas: [TableDelta]) {
        guard !deltas.isEmpty else { return }
        condition.lock()
        queue += deltas
        submitted += 1
        condition.signal()
        condition.unlock()
    }

    /// Waits until everything submitted before the call has been applied and handled.
    public func flush() {
        condition.lock()
        let target = submitted
        while applied < target && running { condition.wait() }
        condition.unlock()
    }

    public func stop() {
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && running { condition.wait() }
            if !running {
                condition.unlock()
                return
            }
            let batch = queue
            let upTo = submitted
            queue.removeAll(keepingCapacity: true)
            condition.unlock()

            let (derived, refused) = engine.apply(batch)
            for (table, error) in refused {
                rejectedBatches += 1
                logger.error("engine refused a table's changes", metadata: ["table": table, "error": "\(error)"])
            }
            if !derived.isEmpty { handle(derived) }

            condition.lock()
            applied = upTo
            condition.broadcast()
            condition.unlock()
        }
    }
}
