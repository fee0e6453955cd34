import Datalog

/// The blocklist data source: loads feeds, refreshes them, and emits only what changed.
///
/// A refresh that fails (download error, refused feed) keeps the feed's previous list in force
/// and is logged. It publishes `blocklist:networks` and, for single addresses, `ids:ip_blacklist`.
public actor BlocklistDriver: DataSourceDriver {
    public nonisolated let service = "blocklist"
    public nonisolated let tables = [BlocklistTables.networks, BlocklistTables.ipBlacklist]

    /// One feed to follow.
    public struct Feed: Sendable {
        public var name: String
        public var source: FeedSource
        /// The format, or nil to detect it from the content.
        public var format: FeedFormat?
        /// The category for entries whose format gives none.
        public var category: String
        public var refreshSeconds: Int64

        public init(
            name: String, source: FeedSource, format: FeedFormat? = nil, category: String = "blocklist",
            refreshSeconds: Int64 = 3600
        ) {
            self.name = name
            self.source = source
            self.format = format
            self.category = category
            self.refreshSeconds = refreshSeconds
        }
    }

    public enum RefreshOutcome: Sendable, Equatable {
        case updated([TableDelta])
        case unchanged
        case failed(String)
    }

    public private(set) var store = BlocklistStore()
    private let feeds: [Feed]
    private var loader: FeedLoader
    private let fetcher: FeedFetcher
    private let logger: Logger
    private var validators: [String: FetchValidators] = [:]

    public init(feeds: [Feed], loader: FeedLoader = FeedLoader(), fetcher: FeedFetcher = FeedFetcher(), logger: Logger)
    {
        self.feeds = feeds
        self.loader = loader
        self.fetcher = fetcher
        self.logger = logger
    }

    /// Feeds whose last refresh failed, with the reason; a feed leaves it when a refresh succeeds.
    public private(set) var failures: [String: String] = [:]

    /// Replaces the rules entries must pass, such as the networks no entry may overlap. Feeds
    /// loaded later are checked against it.
    public func setPolicy(_ policy: FeedPolicy) {
        loader = FeedLoader(policy: policy, reputationCategories: loader.reputationCategories)
    }

    /// Fetches one feed and, when it changed and passes the policy, swaps its entries in.
    public func refresh(_ name: String) async -> RefreshOutcome {
        guard let feed = feeds.first(where: { $0.name == name }) else {
            return .failed("no feed named \(name) is configured")
        }
        let result: FeedFetcher.Result
        do {
            result = try await fetcher.fetch(feed.source, validators: validators[name] ?? FetchValidators())
        } catch {
            logger.error(
                "feed refresh failed, keeping the previous list", metadata: ["feed": name, "error": "\(error)"])
            failures[name] = error.description
            return .failed(error.description)
        }
        guard case .content(let bytes, let next) = result else { return .unchanged }

        let loaded = loader.load(bytes, name: name, format: feed.format, category: feed.category)
        for rejection in loaded.rejected.prefix(20) {
            logger.warning("feed entry rejected", metadata: ["feed": name, "entry": rejection.description])
        }
        if let reason = loaded.rejectionReason {
            logger.error("feed refused, keeping the previous list", metadata: ["feed": name, "reason": reason])
            failures[name] = reason
            return .failed(reason)
        }
        validators[name] = next
        failures[name] = nil
        let deltas = store.replace(feed: name, entries: loaded.entries)
        logger.info(
            "feed loaded",
            metadata: [
                "feed": name, "entries": String(loaded.entries.count), "rejected": String(loaded.rejected.count),
            ])
        return deltas.isEmpty ? .unchanged : .updated(deltas)
    }

    /// Refreshes every feed once and returns the combined deltas.
    public func refreshAll() async -> [TableDelta] {
        var deltas: [TableDelta] = []
        for feed in feeds {
            if case .updated(let changes) = await refresh(feed.name) {
                deltas += changes
            }
        }
        return deltas
    }

    /// Refreshes each feed every `refreshSeconds` until the task is cancelled, passing changes to `emit`.
    public func run(emit: @Sendable ([TableDelta]) -> Void) async {
        var due: [String: ContinuousClock.Instant] = [:]
        let clock = ContinuousClock()
        while !Task.isCancelled {
            for feed in feeds where (due[feed.name] ?? clock.now) <= clock.now {
                if case .updated(let changes) = await refresh(feed.name) { emit(changes) }
                due[feed.name] = clock.now.advanced(by: .seconds(feed.refreshSeconds))
            }
            let next = due.values.min() ?? clock.now.advanced(by: .seconds(60))
            try? await Task.sleep(until: next, clock: clock)
        }
    }
}
