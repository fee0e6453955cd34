import DataSources
import Datalog
import Foundation

/// The `blocklist` data source: feeds of bad addresses and networks, each refreshed on its own
/// schedule. A refused or failed refresh keeps the feed's previous list.
///
/// Options: `feeds`, a comma-separated list of `name=path-or-URL`; `format` (detected when
/// absent); `category` (default `blocklist`); `refresh_seconds` (default 3600).
public final class BlocklistSource: ManagedSource, @unchecked Sendable {
    public let config: DataSourceConfig
    public let tables: [String: [String]] = [
        "blocklist:networks": BlocklistTables.networks.columns, "ids:ip_blacklist": BlocklistTables.ipBlacklist.columns,
    ]
    private let driver: BlocklistDriver
    private var task: Task<Void, Never>?
    private var failureTask: Task<Void, Never>?
    private let box = StatusBox()

    private let basePolicy: FeedPolicy

    public init(config: DataSourceConfig, policy: FeedPolicy = FeedPolicy(), logger: Logger) throws(SourceError) {
        self.config = config
        basePolicy = policy
        let refresh = try config.positiveInteger("refresh_seconds", default: 3600)
        var feeds: [BlocklistDriver.Feed] = []
        for item in (config.options["feeds"] ?? "").split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .invalidOption(
                    source: config.name, option: "feeds", value: String(item), expected: "name=path-or-URL")
            }
            let source: FeedSource
            if parts[1].hasPrefix("http://") || parts[1].hasPrefix("https://"), let url = URL(string: parts[1]) {
                source = .url(url)
            } else {
                source = .file(parts[1])
            }
            feeds.append(
                BlocklistDriver.Feed(
                    name: parts[0], source: source, category: config.options["category"] ?? "blocklist",
                    refreshSeconds: refresh))
        }
        if feeds.isEmpty { throw .missingOption(source: config.name, option: "feeds") }
        driver = BlocklistDriver(feeds: feeds, loader: FeedLoader(policy: policy), logger: logger)
    }

    public func status() -> SourceStatus { box.read() }

    /// Copies the driver's failed feeds into the status, as its last error.
    private func recordFailures() async {
        let failures = await driver.failures
        box.update {
            $0.lastError =
                failures.isEmpty
                ? nil
                : failures.sorted { $0.key < $1.key }.map { "feed \($0.key): \($0.value)" }.joined(separator: "; ")
        }
    }

    /// Checks feeds loaded from now on against `networks` too: the cloud's own subnets and the
    /// addresses of its routers and DHCP ports, which no feed entry may cover.
    public func protect(_ networks: [(network: IPNetwork, name: String)]) async {
        var policy = basePolicy
        policy.protectedNetworks += networks
        await driver.setPolicy(policy)
    }

    /// Loads every feed once and delivers the rows; the service calls this before it starts
    /// evaluating, so that the first IDS events already meet the lists.
    public func loadNow(deliver: @Sendable ([TableDelta]) -> Void) async {
        let deltas = await driver.refreshAll()
        record(deltas)
        await recordFailures()
        if !deltas.isEmpty { deliver(deltas) }
    }

    public func start(deliver: @escaping @Sendable ([TableDelta]) -> Void) {
        let driver = self.driver
        let box = self.box
        task = Task.detached {
            await driver.run { deltas in
                BlocklistSource.record(deltas, in: box)
                deliver(deltas)
            }
        }
        // The driver's refresh loop reports only changes, so failures are copied in on a timer.
        failureTask = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 30_000_000_000)
                await self?.recordFailures()
            }
        }
    }

    public func stop() {
        task?.cancel()
        failureTask?.cancel()
    }

    private func record(_ deltas: [TableDelta]) { Self.record(deltas, in: box) }

    private static func record(_ deltas: [TableDelta], in box: StatusBox) {
        box.update {
            $0.initialized = true
            $0.lastUpdated = Date()
            if !deltas.isEmpty { $0.numberOfUpdates += 1 }
            $0.recordsRead += deltas.reduce(0) { $0 + $1.inserted.count }
        }
    }
}
