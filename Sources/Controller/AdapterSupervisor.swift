import Adapter
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

    private var running: [AdapterKey: StreamAdapter] = [:] {
        didSet { live.withLock { $0 = Array(running.values) } }
    }
    private let makeAdapter: @Sendable (AdapterConfiguration) -> StreamAdapter
    /// A copy of `running` readable without awaiting the actor, for scrapes and probes.
    private let live = Mutex<[StreamAdapter]>([])

    public init(makeAdapter: @escaping @Sendable (AdapterConfiguration) -> StreamAdapter) {
        self.makeAdapter = makeAdapter
    }

    public var count: Int { running.count }

    /// Reports on the adapters running right now; callable from any thread, e.g. a metrics scrape.
    public nonisolated var reports: [AdapterReport] {
        live.withLock { $0 }.map(AdapterReport.init)
    }

    public var keys: [AdapterKey] { running.keys.sorted() }

    /// The configurations running for one EventSource.
    public func configurations(of object: ObjectKey) -> [AdapterKey: AdapterConfiguration] {
        running.filter { $0.key.objectKey == object }.mapValues(\.configuration)
    }

    /// Event name → status, for one EventSource's running adapters.
    public func statuses(of object: ObjectKey) -> [String: AdapterStatus] {
        var statuses: [String: AdapterStatus] = [:]
        for (key, adapter) in running where key.objectKey == object {
            statuses[key.eventName] = adapter.status.snapshot
        }
        return statuses
    }

    public func allStatuses() -> [(AdapterKey, AdapterStatus)] {
        running.keys.sorted().map { ($0, running[$0]!.status.snapshot) }
    }

    public func apply(_ plan: AdapterPlan) async -> [Change] {
        var changes: [Change] = []
        let leaving = plan.stop.compactMap { key in running.removeValue(forKey: key).map { (key, $0) } }
        let replaced = plan.restart.compactMap { configuration in
            running.removeValue(forKey: configuration.adapterKey).map { (configuration, $0) }
        }
        await Self.drain(leaving.map(\.1) + replaced.map(\.1))
        for (key, _) in leaving { changes.append(.stopped(key)) }
        for configuration in plan.restart {
            start(configuration)
            changes.append(.restarted(configuration.adapterKey))
        }
        for configuration in plan.start where running[configuration.adapterKey] == nil {
            start(configuration)
            changes.append(.started(configuration.adapterKey))
        }
        return changes
    }

    private func start(_ configuration: AdapterConfiguration) {
        let adapter = makeAdapter(configuration)
        running[configuration.adapterKey] = adapter
        adapter.start()
    }

    /// Stops every adapter, draining them in parallel, for shutdown.
    public func stopAll(within timeout: Duration) async -> Bool {
        let adapters = Array(running.values)
        running.removeAll()
        return await AdapterSetService.stopAll(adapters, within: timeout)
    }

    private static func drain(_ adapters: [StreamAdapter]) async {
        for adapter in adapters { adapter.requestStop() }
        for adapter in adapters { await adapter.waitUntilStopped() }
    }
}
