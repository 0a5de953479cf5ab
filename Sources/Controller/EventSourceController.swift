import Adapter
import KubeClient
import Logging
import Reconciler
import ServiceLifecycle
import Sinks
import Synchronization

/// The operator: watches EventSources and Secrets into caches, feeds a work queue, runs
/// reconcile workers, and on SIGTERM stops watching, drains the adapters, then releases the Lease.
public final class EventSourceController: Service, Sendable {
    public let options: ControllerOptions
    public let cache = ObjectCache()
    public let leadership: Leadership
    private let client: KubeClient
    private let secrets: SecretCache
    private let eventBuses = EventBusCache()
    private let queue = WorkQueue<ObjectKey>()
    private let supervisor: AdapterSupervisor
    private let statusWriter: StatusWriter
    private let reconciler: EventSourceReconciler
    private let logger: Logger
    private let metrics = ControllerMetrics()
    /// Hears every failed list or watch of the three watchers: a lasting 403 is logged and counted.
    private let watchFailures: WatchFailureReporter
    private let synced = Atomic<Bool>(false)
    private let shuttingDown = ShutdownLatch()
    /// Adapters report phase changes here from their own threads; a task moves them into the queue.
    private let phaseChanges: AsyncStream<ObjectKey>
    private let phaseChangeInput: AsyncStream<ObjectKey>.Continuation

    public init(
        client: KubeClient, options: ControllerOptions, logger: Logger,
        makeAdapter: (@Sendable (AdapterConfiguration) -> StreamAdapter)? = nil
    ) {
        self.client = client
        self.options = options
        self.logger = logger
        watchFailures = WatchFailureReporter(logger: logger, metrics: metrics)
        secrets = SecretCache { reference in
            do throws(KubeError) {
                return try await client.get(.secrets, name: reference.name, namespace: reference.namespace)
            } catch .notFound {
                return nil
            }
        }
        leadership = Leadership(leading: options.leaderElection == nil)
        let (phaseChanges, phaseChangeInput) = AsyncStream.makeStream(of: ObjectKey.self, bufferingPolicy: .bufferingNewest(4096))
        self.phaseChanges = phaseChanges
        self.phaseChangeInput = phaseChangeInput
        supervisor = AdapterSupervisor(
            makeAdapter: makeAdapter ?? { configuration in
                let key = configuration.adapterKey.objectKey
                return StreamAdapter(
                    configuration: configuration, logger: logger, onPhaseChange: { phaseChangeInput.yield(key) }
                ) { [sinkOptions = options.sinkOptions] in
                    SinkFactory.makeSink(
                        spec: $0.sink, eventBus: $0.eventBus, eventSourceName: $0.eventSourceName, eventName: $0.eventName,
                        options: sinkOptions)
                }
            })
        statusWriter = StatusWriter(
            client: client, leadership: leadership, counterInterval: options.statusCounterInterval,
            writesPerSecond: options.statusWritesPerSecond,
            fieldManager: String("redis-eventsource/\(options.consumerName)".prefix(128)))
        reconciler = EventSourceReconciler(
            cache: cache, secrets: secrets, eventBuses: eventBuses, supervisor: supervisor, statusWriter: statusWriter,
            recorder: EventRecorder(client: client, reportingController: "redis-eventsource", reportingInstance: options.consumerName),
            leadership: leadership, options: options, logger: logger, requeue: { phaseChangeInput.yield($0) })
    }

    /// `/readyz`: ready once the first full list of EventSources is in the cache.
    public var readiness: Readiness {
        synced.load(ordering: .acquiring) ? .ready : .notReady(reason: "waiting for the first list of EventSources")
    }

    /// What `/metrics` reports per adapter, read without waiting for any actor.
    public var adapterReports: [AdapterReport] { supervisor.reports }

    public func run() async throws {
        logger.info("controller starting", metadata: [
            "namespace": "\(options.namespace ?? "<all>")", "consumer": "\(options.consumerName)",
            "leaderElection": "\(options.leaderElection != nil)",
        ])
        await withTaskGroup(of: Void.self) { outer in
            if let election = options.leaderElection {
                outer.addTask { await self.campaign(election) }
            }
            await withTaskGroup(of: Void.self) { inner in
                inner.addTask { await self.queue.runDelays() }
                inner.addTask { await self.watchEventSources() }
                inner.addTask { await self.watchSecrets() }
                inner.addTask { await self.watchEventBuses() }
                inner.addTask { await self.resync() }
                inner.addTask {
                    // A phase change shows in the status at once, not at the next resync.
                    for await key in self.phaseChanges { await self.queue.add(key) }
                }
                for _ in 0..<max(1, options.workers) {
                    inner.addTask { await self.work() }
                }
                inner.addTask { try? await gracefulShutdown() }
                _ = await inner.next()
                logger.info("shutting down: stopping watches and workers")
                phaseChangeInput.finish()
                await queue.shutDown()
                inner.cancelAll()
            }
            let running = await supervisor.count
            logger.info("draining \(running) adapter(s)")
            if !(await supervisor.stopAll(within: options.shutdownTimeout - .seconds(5))) {
                logger.warning("some adapters did not drain in time; their entries stay pending in Redis")
            }
            // Last: the campaign releases the Lease, so a standby takes over at once.
            shuttingDown.open()
            await outer.waitForAll()
        }
        logger.info("controller stopped")
    }

    private func watchEventSources() async {
        let watcher = client.watcher(
            EventSourceResource.eventSources, namespace: options.namespace,
            options: ResourceWatcher.Options(labelSelector: options.labelSelector, report: watchFailures.handle))
        do {
            for try await update in watcher {
                if case .replaceAll = update { metrics.watchRestarts.increment() }
                for key in await cache.apply(update) { await queue.add(key) }
                if case .replaceAll = update { synced.store(true, ordering: .releasing) }
            }
        } catch {
            if !(error is CancellationError) { logger.error("EventSource watch ended: \(error)") }
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
            EventSourceResource.eventBuses, namespace: options.namespace, options: .init(report: watchFailures.handle))
        do {
            for try await update in watcher {
                for key in await eventBuses.apply(update) { await queue.add(key) }
            }
        } catch {
            if !(error is CancellationError) { logger.error("EventBus watch ended: \(error)") }
        }
    }

    /// Level-triggered safety net and status refresh: every EventSource is looked at again regularly.
    private func resync() async {
        while (try? await Task.sleep(for: options.resyncInterval)) != nil {
            for key in await cache.keys { await queue.add(key) }
            metrics.queueDepth.record(await queue.depth)
        }
    }

    private func work() async {
        while let key = await queue.next() {
            let started = ContinuousClock.now
            metrics.reconciles.increment()
            do {
                try await reconciler.reconcile(key)
                await queue.forget(key)
            } catch {
                metrics.reconcileErrors.increment()
                logger.warning("reconcile \(key) failed, will retry: \(error)")
                await queue.addRateLimited(key)
            }
            metrics.reconcileDuration.record(duration: ContinuousClock.now - started)
            metrics.secretsHeld.record(await secrets.heldCount)
            await queue.done(key)
        }
    }

    /// Takes part in leader election until cancelled: leads while holding the Lease, and on
    /// losing it stops writing status but keeps consuming, then campaigns again.
    private func campaign(_ election: LeaderElectionOptions) async {
        let elector = LeaderElector(
            client: client,
            configuration: LeaderElectionConfiguration(
                leaseName: election.leaseName, namespace: election.leaseNamespace, identity: options.consumerName,
                leaseDuration: election.leaseDuration, renewDeadline: election.renewDeadline,
                retryPeriod: election.retryPeriod, releaseOnCancel: true),
            logger: logger)
        while !shuttingDown.isOpen && !Task.isCancelled {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [self] in
                    _ = try? await elector.run { [self] in
                        leadership.set(true)
                        // Status written by the previous leader may be stale: look at everything now.
                        for key in await cache.keys { await queue.add(key) }
                        // Returning (rather than being cancelled) lets the elector release the Lease.
                        await shuttingDown.wait()
                    }
                }
                group.addTask { [self] in await shuttingDown.wait() }
                _ = await group.next()
                // Leading at shutdown: the elector's work has returned and it is releasing the Lease,
                // so let it finish. Otherwise (only campaigning, or the Lease was lost) stop the rest.
                if !(shuttingDown.isOpen && leadership.isLeader) { group.cancelAll() }
                await group.waitForAll()
            }
            leadership.set(false)
        }
    }
}
