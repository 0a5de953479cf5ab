import Adapter
import AdapterModel
import Reconciler
import Synchronization

/// Owns the adapters running in this process and applies plans to them. Stopping drains:
/// the adapter finishes and acknowledges what it was delivering before its replacement starts.
public actor AdapterSupervisor {
    public enum Change: Sendable, Equatable {
        case started(AdapterKey)
        case restarted(AdapterKey)
        case stopped(AdapterKey)
    }

    private var running: [AdapterKey: StreamAdapter] = [:]
    /// Each EventSource's adapters, so a reconcile touches its own and not all of them.
    private var byObject: [ObjectKey: Set<AdapterKey>] = [:]
    private let makeAdapter: @Sendable (AdapterConfiguration) -> StreamAdapter
    /// A copy of `running` readable without awaiting the actor, for scrapes and probes.
    private let live = Mutex<[AdapterKey: StreamAdapter]>([:])

    public init(makeAdapter: @escaping @Sendable (AdapterConfiguration) -> StreamAdapter) {
        self.makeAdapter = makeAdapter
    }

    public var count: Int { running.count }

    /// Reports on the adapters running right now; callable from any thread, e.g. a metrics scrape.
    public nonisolated var reports: [AdapterReport] {
        live.withLock { Array($0.values) }.map(AdapterReport.init)
    }

    public var keys: [AdapterKey] { running.keys.sorted() }

    /// The configurations running for one EventSource.
    public func configurations(of object: ObjectKey) -> [AdapterKey: AdapterConfiguration] {
        var configurations: [AdapterKey: AdapterConfiguration] = [:]
        for key in byObject[object] ?? [] { configurations[key] = running[key]?.configuration }
        return configurations
    }

    /// Per running adapter that shares its stream and group with another, the note saying so;
    /// recomputed whenever the set of adapters changes, not on every reconcile.
    public private(set) var groupSharing: [AdapterKey: String] = [:]
    /// Who reads what, kept per adapter, so `groupSharing` costs no pass over all of them.
    private var sharingIndex = GroupSharingIndex()

    /// Event name → status, for one EventSource's running adapters.
    public func statuses(of object: ObjectKey) -> [String: AdapterStatus] {
        var statuses: [String: AdapterStatus] = [:]
        for key in byObject[object] ?? [] {
            if let adapter = running[key] { statuses[key.eventName] = adapter.status.snapshot }
        }
        return statuses
    }

    public func allStatuses() -> [(AdapterKey, AdapterStatus)] {
        running.keys.sorted().map { ($0, running[$0]!.status.snapshot) }
    }

    public func apply(_ plan: AdapterPlan) async -> [Change] {
        var changes: [Change] = []
        let leaving = plan.stop.compactMap { key in remove(key).map { (key, $0) } }
        let replaced = plan.restart.compactMap { configuration in
            remove(configuration.adapterKey).map { (configuration, $0) }
        }
        // A removed entry's connection is cut if it is still busy after a second; a restarted one
        // drains fully, since its replacement reads under the same consumer name.
        for (_, adapter) in leaving { adapter.requestFinalStop() }
        await Self.drain(leaving.map(\.1) + replaced.map(\.1))
        for (key, adapter) in leaving {
            adapter.removeMetricSeries()
            changes.append(.stopped(key))
        }
        let previous = Dictionary(replaced.map { ($0.0.adapterKey, $0.1.status.snapshot) }, uniquingKeysWith: { $1 })
        for configuration in plan.restart {
            start(configuration, continuing: previous[configuration.adapterKey])
            changes.append(.restarted(configuration.adapterKey))
        }
        for configuration in plan.start where running[configuration.adapterKey] == nil {
            start(configuration)
            changes.append(.started(configuration.adapterKey))
        }
        if !plan.isEmpty { groupSharing = sharingIndex.notes }
        return changes
    }

    private func start(_ configuration: AdapterConfiguration, continuing previous: AdapterStatus? = nil) {
        let adapter = makeAdapter(configuration)
        if let previous { adapter.continueCounts(of: previous) }
        let key = configuration.adapterKey
        running[key] = adapter
        sharingIndex.insert(configuration)
        byObject[key.objectKey, default: []].insert(key)
        live.withLock { $0[key] = adapter }
        adapter.start()
    }

    private func remove(_ key: AdapterKey) -> StreamAdapter? {
        guard let adapter = running.removeValue(forKey: key) else { return nil }
        sharingIndex.remove(adapter.configuration)
        byObject[key.objectKey]?.remove(key)
        if byObject[key.objectKey]?.isEmpty == true { byObject[key.objectKey] = nil }
        live.withLock { $0[key] = nil }
        return adapter
    }

    /// Stops every adapter, draining them in parallel, for shutdown. Returns false when cancelled
    /// (the service group's shutdown limit) before all of them had stopped.
    public func stopAll() async -> Bool {
        let adapters = Array(running.values)
        running.removeAll()
        byObject.removeAll()
        groupSharing = [:]
        sharingIndex = GroupSharingIndex()
        live.withLock { $0.removeAll() }
        for adapter in adapters { adapter.requestStop() }
        // Waiting ends early on cancellation; what was not acknowledged stays pending in Redis.
        for adapter in adapters where !Task.isCancelled { await adapter.waitUntilStopped() }
        // The series stay: this runs only as the process shuts down, and swift-prometheus copies a
        // metric family for every series removed, so removing 10,000 adapters' would take longer
        // than the drain itself.
        return !Task.isCancelled
    }

    private static func drain(_ adapters: [StreamAdapter]) async {
        for adapter in adapters { adapter.requestStop() }
        for adapter in adapters { await adapter.waitUntilStopped() }
    }
}
