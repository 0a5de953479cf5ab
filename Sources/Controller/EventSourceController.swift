import Adapter
import AdapterModel
import EventSourceAPI
import KubeClient
import Logging
import Reconciler
import ServiceLifecycle
import Sinks

/// The operator: watches EventSources and/or RedisStreamSources (`--watch`), Secrets and EventBuses into caches, feeds a work queue, runs
/// reconcile workers. It runs as services of one `ServiceGroup` (see `services`), in the order
/// Lease, adapters, control loop, so graceful shutdown, which goes in reverse, stops watching and
/// working first, then drains the adapters, then releases the Lease.
public final class EventSourceController: Sendable {
    public let options: ControllerOptions
    public let cache: ObjectCache
    public let leadership: Leadership
    private let client: KubeClient
    private let secrets: SecretCache
    private let eventBuses = EventBusCache()
    private let queue = WorkQueue<ObjectKey>()
    private let supervisor: AdapterSupervisor
    private let statusWriter: StatusWriter
    private let reconciler: EventSourceReconciler
    private let elector: LeaderElector?
    /// Under `--shard-by lease`: who owns what, and the service that keeps it current.
    private let shards: ShardOwnership?
    private let logger: Logger
    private let metrics = ControllerMetrics()
    /// Hears every failed list or watch of the three watchers: a lasting 403 is logged and counted.
    private let watchFailures: WatchFailureReporter
    /// Adapters report phase changes here from their own threads; a task moves them into the queue.
    private let phaseChanges: AsyncStream<ObjectKey>
    private let phaseChangeInput: AsyncStream<ObjectKey>.Continuation

    public init(
        client: KubeClient, options: ControllerOptions, runtime: AdapterRuntime, logger: Logger,
        makeAdapter: (@Sendable (AdapterConfiguration) -> StreamAdapter)? = nil
    ) {
        self.client = client
        self.options = options
        self.logger = logger
        cache = ObjectCache(watching: options.watch.kinds)
        watchFailures = WatchFailureReporter(
            logger: logger, metrics: metrics,
            resources: options.watch.kinds.sorted().map(\.plural) + [KubeResource.secrets.plural, EventSourceResource.eventBuses.plural])
        secrets = SecretCache { reference in
            do throws(KubeError) {
                return try await client.get(.secrets, name: reference.name, namespace: reference.namespace)
            } catch .notFound {
                return nil
            }
        }
        elector = options.leaderElection.map { election in
            LeaderElector(
                client: client,
                configuration: LeaderElectionConfiguration(
                    leaseName: election.leaseName, namespace: election.leaseNamespace, identity: options.consumerName,
                    leaseDuration: election.leaseDuration, renewDeadline: election.renewDeadline,
                    retryPeriod: election.retryPeriod, releaseOnCancel: true),
                logger: logger)
        }
        shards = options.sharding.map {
            ShardOwnership(identity: options.consumerName, replicasPerSource: $0.replicasPerSource)
        }
        if let shards {
            leadership = Leadership(shards: shards)
        } else {
            leadership = elector.map(Leadership.init(elector:)) ?? Leadership(leading: true)
        }
        let (phaseChanges, phaseChangeInput) = AsyncStream.makeStream(of: ObjectKey.self, bufferingPolicy: .bufferingNewest(4096))
        self.phaseChanges = phaseChanges
        self.phaseChangeInput = phaseChangeInput
        supervisor = AdapterSupervisor(
            makeAdapter: makeAdapter ?? { configuration in
                let key = configuration.adapterKey.objectKey
                return StreamAdapter(
                    configuration: configuration, runtime: runtime, logger: logger, onPhaseChange: { phaseChangeInput.yield(key) }
                ) { [sinkOptions = options.sinkOptions] in
                    SinkFactory.makeSink(for: $0, options: sinkOptions, runtime: runtime.sinks)
                }
            })
        statusWriter = StatusWriter(
            client: client, leadership: leadership, counterInterval: options.statusCounterInterval,
            writesPerSecond: options.statusWritesPerSecond,
            fieldManager: String("redis-eventsource/\(options.consumerName)".prefix(128)), logger: logger)
        reconciler = EventSourceReconciler(
            cache: cache, secrets: secrets, eventBuses: eventBuses, supervisor: supervisor, statusWriter: statusWriter,
            recorder: EventRecorder(client: client, reportingController: "redis-eventsource", reportingInstance: options.consumerName),
            leadership: leadership, shards: shards, options: options, logger: logger, requeue: { phaseChangeInput.yield($0) })
    }

    /// `/readyz`: ready once the first full list of every watched kind is in the cache.
    public var readiness: Readiness {
        cache.hasSynced ? .ready : .notReady(reason: "waiting for the first list of \(options.watch.rawValue)")
    }

    /// What `/metrics` reports per adapter, read without waiting for any actor.
    public var adapterReports: [AdapterReport] { supervisor.reports }

    /// The controller's services in start order; graceful shutdown stops them in reverse.
    /// Put them in one `ServiceGroup` after any that should outlive them (the health server).
    public var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let elector {
            services.append(.init(service: LeaseService(elector: elector) { [self] in await requeueAll() }, serviceName: "lease"))
        }
        if let shards, let sharding = options.sharding {
            // Ownership moved: every EventSource is looked at, each replica starting what it won and draining what it lost.
            let membership = ShardMembershipService(client: client, ownership: shards, options: sharding, logger: logger) {
                [self] in await requeueAll()
            }
            services.append(.init(service: membership, serviceName: "shard-membership"))
        }
        services.append(.init(service: ClosureService { [self] in await drainAdaptersOnShutdown() }, serviceName: "adapters"))
        services.append(.init(service: ClosureService { [self] in await runControlLoop() }, serviceName: "control-loop"))
        return services
    }

    /// Watches, queue and workers, until graceful shutdown.
    func runControlLoop() async {
        logger.info("controller starting", metadata: [
            "namespace": "\(options.namespace ?? "<all>")", "consumer": "\(options.consumerName)",
            "watch": "\(options.watch.rawValue)",
            "leaderElection": "\(options.leaderElection != nil)",
            "sharding": "\(options.sharding.map { "lease, \($0.replicasPerSource) replica(s) per source" } ?? "none")",
        ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.queue.runDelays() }
            // Only the watched kinds are ever listed: in redisstreamsources mode no request names an EventSource.
            for kind in options.watch.kinds.sorted() {
                group.addTask { await self.watchSources(of: kind) }
            }
            group.addTask { await self.watchSecrets() }
            group.addTask { await self.watchEventBuses() }
            group.addTask { await self.resync() }
            group.addTask { await self.sweepCounters() }
            group.addTask {
                // A phase change shows in the status at once, not at the next resync.
                for await key in self.phaseChanges { await self.queue.add(key) }
            }
            for _ in 0..<max(1, options.workers) {
                group.addTask { await self.work() }
            }
            group.addTask { try? await gracefulShutdown() }
            _ = await group.next()
            logger.info("shutting down: stopping watches and workers")
            phaseChangeInput.finish()
            await queue.shutDown()
            group.cancelAll()
        }
    }

    /// The adapters run from the supervisor's hands; at shutdown, once the loops have stopped,
    /// they all drain at once. If the group's shutdown limit cuts the drain short, whatever was
    /// not acknowledged stays pending in Redis and is replayed on the next start.
    func drainAdaptersOnShutdown() async {
        try? await gracefulShutdown()
        let running = await supervisor.count
        logger.info("draining \(running) adapter(s)")
        if !(await supervisor.stopAll()) {
            logger.warning("some adapters did not drain in time; their entries stay pending in Redis")
        }
        logger.info("controller stopped")
    }

    private func requeueAll() async {
        for key in await cache.keys { await queue.add(key) }
    }

    private func watchSources(of kind: SourceKind) async {
        let watcher = client.watcher(
            EventSourceResource.resource(of: kind), namespace: options.namespace,
            options: ResourceWatcher.Options(labelSelector: options.labelSelector, report: watchFailures.handle))
        do {
            for try await update in watcher {
                if case .replaceAll = update { metrics.watchRestarts.increment() }
                for key in await cache.apply(update, kind: kind) { await queue.add(key) }
            }
        } catch {
            if !(error is CancellationError) { logger.error("\(kind) watch ended: \(error)") }
        }
    }

    private func watchSecrets() async {
        let watcher = client.watcher(.secrets, namespace: options.namespace, options: .init(report: watchFailures.handle))
        do {
            for try await update in watcher {
                for key in await secrets.apply(update) { await queue.add(key) }
                metrics.secretsHeld.record(await secrets.heldCount)
                if case .replaceAll(let items, _) = update {
                    metrics.secretWatchEvents.increment(by: Int64(items.count))
                } else {
                    metrics.secretWatchEvents.increment()
                }
            }
        } catch {
            if !(error is CancellationError) { logger.error("Secret watch ended: \(error)") }
        }
    }

    /// A cluster without Argo's EventBus CRD answers 404; the watcher keeps retrying with backoff,
    /// and until then every EventSource simply has no EventBus.
    private func watchEventBuses() async {
        let watcher = client.watcher(
            EventSourceResource.eventBuses, namespace: options.namespace,
            options: .init(report: { [eventBuses, watchFailures] report in
                if case .failed(let failure) = report { eventBuses.listRefused(failure) }
                watchFailures.handle(report)
            }))
        do {
            for try await update in watcher {
                for key in await eventBuses.apply(update) { await queue.add(key) }
            }
        } catch {
            if !(error is CancellationError) { logger.error("EventBus watch ended: \(error)") }
        }
    }

    /// Level-triggered safety net: every EventSource is looked at again now and then. Counters reach
    /// the status through each reconcile's own "again after"; this only catches what was missed.
    private func resync() async {
        while (try? await Task.sleep(for: options.resyncInterval)) != nil {
            for key in await cache.keys { await queue.add(key) }
        }
    }

    /// Every `--status-interval`, one pass over all adapters queues the EventSources whose figures
    /// moved; the status writer's bucket limits how many of those writes go out per second overall.
    private func sweepCounters() async {
        var sweep = CounterSweep()
        while (try? await Task.sleep(for: options.statusCounterInterval)) != nil {
            for key in sweep.changed(await supervisor.allStatuses()) { await queue.add(key) }
            metrics.counterSweeps.increment()
        }
    }

    private func work() async {
        while let key = await queue.next() {
            let started = ContinuousClock.now
            metrics.reconciles.increment()
            do {
                let result = try await reconciler.reconcile(key)
                await queue.forget(key)
                if let delay = result.requeueAfter { await queue.add(key, after: delay) }
            } catch {
                metrics.reconcileErrors.increment()
                logger.warning("reconcile \(key) failed, will retry: \(error)")
                await queue.addRateLimited(key)
            }
            metrics.reconcileDuration.record(duration: ContinuousClock.now - started)
            metrics.secretsHeld.record(await secrets.heldCount)
            await queue.done(key)
            metrics.queueDepth.record(await queue.depth)
        }
    }
}
