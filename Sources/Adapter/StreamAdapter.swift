import AdapterModel
import Logging
import NIOCore
import Sinks
import Synchronization

/// Runs one `redisStream` entry: reads its streams through the consumer group, forwards each
/// entry to the sink and acknowledges it only once the sink took it.
///
/// Adapters share the fixed set of event-loop threads of their `AdapterRuntime`: each runs as an
/// actor on one loop, with a non-blocking Redis connection, never on Swift's cooperative pool and
/// never with a thread of its own.
public final class StreamAdapter: Sendable {
    public let configuration: AdapterConfiguration
    public let status: AdapterStatusCell
    private let runtime: AdapterRuntime
    /// The one loop of `runtime` this adapter, its timers and its Sentinel watch run on.
    private let loop: any EventLoop
    private let stopSignal = StopSignal()
    private let interrupter = BlockedReadInterrupter()
    private let severer = ConnectionSeverer()
    private let makeSink: @Sendable (AdapterConfiguration) -> EventSink
    private let logger: Logger
    private let completion = Mutex<Completion>(Completion())
    private let statsInterval: Duration
    private let onPhaseChange: (@Sendable () -> Void)?
    private let metrics: AdapterMetrics
    /// With `sentinel`: cuts the connection when the Sentinels announce a new master.
    private let switchWatch: SentinelSwitchWatch?
    /// With `cluster` and streams in several slots: one worker per slot, on the node serving it.
    private let clusterCoordinator: ClusterReadCoordinator?

    private struct Completion: ~Copyable {
        var started = false
        var finished = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    /// - Parameter onPhaseChange: called on the adapter's event loop whenever the significant part
    ///   of its status changes (`AdapterStatus.Significant`: the phase, the streams missing, the
    ///   last error, the connection), so an owner can react at once instead of polling the status.
    public init(
        configuration: AdapterConfiguration, runtime: AdapterRuntime, logger: Logger, statsInterval: Duration = .seconds(5),
        onPhaseChange: (@Sendable () -> Void)? = nil,
        makeSink: @escaping @Sendable (AdapterConfiguration) -> EventSink
    ) {
        self.configuration = configuration
        self.runtime = runtime
        let loop = runtime.eventLoops.next()
        self.loop = loop
        self.onPhaseChange = onPhaseChange
        self.makeSink = makeSink
        self.statsInterval = statsInterval
        var logger = logger
        logger[metadataKey: "namespace"] = "\(configuration.namespace)"
        logger[metadataKey: "eventsource"] = "\(configuration.eventSourceName)"
        logger[metadataKey: "event"] = "\(configuration.eventName)"
        self.logger = logger
        metrics = AdapterMetrics(
            namespace: configuration.namespace, eventSourceName: configuration.eventSourceName,
            eventName: configuration.eventName)
        status = AdapterStatusCell(
            AdapterStatus(consumerGroup: configuration.source.consumerGroup, consumerName: configuration.consumerName))
        switchWatch = SentinelSwitchWatch(target: configuration.redis, loop: loop)
        let partition = ClusterStreamPartition(streams: configuration.source.streams)
        if case .cluster = configuration.redis.topology, partition.groups.count > 1 {
            clusterCoordinator = ClusterReadCoordinator(
                configuration: configuration, partition: partition, runtime: runtime, status: status, stop: stopSignal, logger: logger,
                statsInterval: statsInterval, metrics: metrics, onPhaseChange: onPhaseChange, makeSink: makeSink)
        } else {
            clusterCoordinator = nil
        }
    }

    /// Starts the adapter on its event loop; calling it again does nothing.
    public func start() {
        let alreadyStarted = completion.withLock { state -> Bool in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { return }
        if let clusterCoordinator {
            runtime.adapterStarted()
            Task { [self] in
                await clusterCoordinator.run()
                runtime.adapterFinished()
                finish()
            }
            return
        }
        let worker = AdapterWorker(
            configuration: configuration, loop: loop, controlConnections: runtime.controlConnections, status: status, stop: stopSignal,
            interrupter: interrupter, severer: severer, logger: logger,
            statsInterval: statsInterval, sink: makeSink(configuration), metrics: metrics,
            onPhaseChange: onPhaseChange)
        runtime.adapterStarted()
        let watching = switchWatch.map { switchWatch in Task { [severer] in await switchWatch.run { severer.sever() } } }
        Task { [self] in
            await worker.run()
            switchWatch?.cancel()
            // Nothing of the adapter may outlive it on the runtime's loops.
            await watching?.value
            await interrupter.waitForAttempts()
            runtime.adapterFinished()
            finish()
        }
    }

    /// Continues the counts of the adapter this one replaces, so a restart (a changed spec, a
    /// rotated Secret) does not set the status counters back to zero. Call before `start()`.
    public func continueCounts(of previous: AdapterStatus) {
        status.apply([.countsCarriedOver(previous.counters)])
    }

    /// Takes the adapter's metric series out of `/metrics`, once it stopped for good (its entry
    /// or EventSource is gone). A restarted adapter keeps them: its replacement continues them.
    public func removeMetricSeries() {
        metrics.remove()
    }

    /// Asks the adapter to stop: it stops reading (a blocked read is ended at once), finishes and
    /// acknowledges the deliveries in flight.
    public func requestStop() {
        stopSignal.stop()
        switchWatch?.cancel()
        if let clusterCoordinator {
            clusterCoordinator.requestStop()
            return
        }
        interrupter.interrupt(
            connector: RedisConnector(configuration: configuration), through: runtime.controlConnections, logger: logger)
    }

    /// Stops for good (its entry was removed): like `requestStop`, but if the adapter is still busy
    /// after `grace` (a slow sink, a long filter) its Redis connection is cut. What it was
    /// delivering then stays pending under its consumer name, for a restart or a reclaim.
    public func requestFinalStop(grace: Duration = .seconds(1)) {
        requestStop()
        severer.sever(after: grace, on: loop) { [self] in isFinished }
        clusterCoordinator?.sever(after: grace) { [self] in isFinished }
    }

    public var isFinished: Bool { completion.withLock { $0.finished } }

    /// Returns once the adapter has ended (at once if it never started), or when the
    /// calling task is cancelled, so a caller can give up waiting on a stuck sink.
    public func waitUntilStopped() async {
        let ticket = completion.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = completion.withLock { state -> Bool in
                    if state.finished || !state.started || Task.isCancelled { return true }
                    state.waiters[ticket] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            completion.withLock { $0.waiters.removeValue(forKey: ticket) }?.resume()
        }
    }

    /// Stops and waits.
    public func stop() async {
        requestStop()
        await waitUntilStopped()
    }

    private func finish() {
        let waiters = completion.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.finished = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}
