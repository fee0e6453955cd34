import DataSources
import Datalog
import Enforcement
import Foundation
import Store

extension AgoraService {
    /// The guard's settings from `[enforcement]` in agora.conf, the policies' modes, and the
    /// projects that own policies (an operator's policy acts only on its project's VMs).
    public func guardSettings(policies: [PolicyInfo]) -> GuardSettings {
        var settings = GuardSettings()
        let options = configuration
        settings.defaultMode = PolicyMode(rawValue: options.text("enforcement", "default_mode")) ?? .dryRun
        settings.modes = Dictionary(
            policies.compactMap { policy in PolicyMode(rawValue: policy.mode).map { (policy.name, $0) } },
            uniquingKeysWith: { first, _ in first })
        settings.policyProjects = Dictionary(
            policies.filter { $0.ownerID != "user" && !$0.ownerID.isEmpty }.map { ($0.name, $0.ownerID) },
            uniquingKeysWith: { first, _ in first })
        settings.protected = ProtectedList(
            vmIDs: Set(options.list("enforcement", "protected_servers")),
            projectIDs: Set(options.list("enforcement", "protected_projects")),
            networkIDs: Set(options.list("enforcement", "protected_networks")),
            networks: options.list("enforcement", "protected_cidrs"))
        let window = Double(options.integer("enforcement", "window_seconds"))
        let percent = Double(options.integer("enforcement", "max_percent_servers"))
        settings.defaultPolicyCap = BlastRadiusCap(
            maxActions: options.integer("enforcement", "max_actions"), window: window,
            maxServerPercent: percent > 0 ? percent : nil)
        settings.globalCap = BlastRadiusCap(
            maxActions: options.integer("enforcement", "max_actions_global"), window: window,
            maxServerPercent: percent > 0 ? percent : nil)
        settings.maxInventoryAge = Double(options.integer("enforcement", "max_inventory_age"))
        return settings
    }

    public func enforcerSettings() -> EnforcerSettings {
        var settings = EnforcerSettings()
        settings.holdDown = Double(configuration.integer("enforcement", "hold_down_seconds"))
        let release = configuration.integer("enforcement", "release_after_seconds")
        settings.releaseAfter = release > 0 ? Double(release) : nil
        settings.repeatLimit = configuration.integer("enforcement", "repeat_limit")
        settings.repeatWindow = Double(configuration.integer("enforcement", "repeat_window_seconds"))
        return settings
    }

    /// When the cloud inventory was last read: the oldest last success among the sources that
    /// publish Nova or Neutron tables; nil when one of them never succeeded.
    public func inventoryRefreshedAt() -> Date? {
        let inventorySources = sources.filter { source in
            source.tables.keys.contains { $0.hasPrefix("nova:") || $0.hasPrefix("neutronv2:") }
        }
        guard !inventorySources.isEmpty else { return nil }
        var oldest: Date?
        for source in inventorySources {
            guard let updated = source.status().lastUpdated else { return nil }
            oldest = min(oldest ?? updated, updated)
        }
        return oldest
    }

    /// Builds the enforcer over the store's ledger with `backends`, and connects it.
    public func enableEnforcement(backends: [any ActionBackend], clock: any EnforcementClock = SystemClock()) throws {
        let ledger = try ActionLedger(database: database)
        let enforcer = Enforcer(
            ledger: ledger, backends: backends, guardSettings: guardSettings(policies: []),
            settings: enforcerSettings(), clock: clock
        ) { [weak self] in
            guard let self else { return EngineInventory(engine: PolicyEngine(), refreshedAt: nil) }
            return EngineInventory(
                engine: engine, refreshedAt: inventoryRefreshedAt(), now: Date(timeIntervalSince1970: clock.now))
        }
        attach(enforcer: enforcer)
        catalog.onModesChanged = { [weak self] policies in
            guard let self else { return }
            enforcement?.update(guardSettings(policies: policies))
        }
        enforcement?.update(guardSettings(policies: catalog.all))
    }
}
