import AdapterModel
import EventSourceAPI
import FilterExpression
import Logging
import Metrics
import NIOCore
import Sinks

/// Runs one adapter's consumer core (`ConsumerCore`): performs each action it asks for (Redis
/// commands, deliveries, acks, waits, reports) and feeds the answers back, with the time. It
/// decides nothing itself. An actor whose executor is its event loop: it runs on one of the few
/// shared I/O threads, never on Swift's cooperative pool, and everything it awaits (Redis
/// replies, the sink, timers) resumes it there. While it waits, the loop serves other adapters.
///
/// Reads are pipelined: while a batch of new entries is delivered, the read-ahead the core asked
/// for is already on the wire, and a batch's XACK goes out in one write with the read after it.
actor AdapterWorker {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }
    let configuration: AdapterConfiguration
    let status: AdapterStatusCell
    let stop: StopSignal
    let interrupter: BlockedReadInterrupter
    let severer: ConnectionSeverer
    let logger: Logger
    let sink: EventSink
    let builder: EventBuilder
    let filter: FilterProgram?
    let connector: RedisConnector
    let queries: ConsumerGroupQueries
    let metrics: AdapterMetrics
    let deadLetter: DeadLetterPolicy?
    let onPhaseChange: (@Sendable () -> Void)?
    let commandTimeout = Duration.seconds(10)
    var connection: (any RedisPipe)?
    /// The connection's CLIENT ID, so a stop can unblock its read; nil when Redis would not say.
    var clientID: Int64?
    /// Why this entry cannot run at all, found while setting up.
    private let setupProblem: String?
    var core: ConsumerCore
    /// Whether the core was told of the stop.
    private var stopReported = false
    /// The entries of the batch in flight, by reference, for the sink and the dead-letter stream.
    var batchEntries: [DeliveryDecisions.EntryRef: StreamEntry] = [:]
    /// Filter limits (budget, regex) already logged, so a hostile filter does not flood the log.
    var loggedFilterLimits: Set<FilterEvaluationError.Kind> = []
    /// The read of new entries the core asked to put on the wire while a batch is delivered.
    var readAhead: RedisReplyTicket<[StreamEntry]>?
    /// XACKs written (maybe not yet flushed) whose replies are checked when the next reply is read.
    var unsettledAcks: [(stream: String, ids: [RedisArgument], reply: RedisReplyTicket<RESPValue>)] = []
    /// How long an idle read blocks when a stop can unblock it: idle adapters cost nothing.
    /// Reclaim and stream checks still wake it when due (the core bounds each BLOCK by them).
    private static let idleBlock = Duration.seconds(600)

    var group: String { configuration.source.consumerGroup }

    init(
        configuration: AdapterConfiguration, loop: EventLoop, controlConnections: ControlConnections, status: AdapterStatusCell,
        stop: StopSignal, interrupter: BlockedReadInterrupter = BlockedReadInterrupter(), severer: ConnectionSeverer = ConnectionSeverer(),
        logger: Logger,
        statsInterval: Duration, sink: sending EventSink, metrics: AdapterMetrics, onPhaseChange: (@Sendable () -> Void)? = nil
    ) {
        let keepsOrder = sink.keepsOrder
        self.loop = loop
        self.metrics = metrics
        self.onPhaseChange = onPhaseChange
        self.configuration = configuration
        self.status = status
        self.stop = stop
        self.interrupter = interrupter
        self.severer = severer
        self.logger = logger
        self.sink = sink
        builder = EventBuilder(
            namespace: configuration.namespace, eventSourceName: configuration.eventSourceName,
            eventName: configuration.eventName, metadata: configuration.source.metadata)
        connector = RedisConnector(configuration: configuration)
        queries = ConsumerGroupQueries(
            streams: configuration.source.streams, group: configuration.source.consumerGroup,
            consumer: configuration.consumerName, claimMinIdleSeconds: configuration.source.claimMinIdleSeconds,
            timeout: commandTimeout)
        deadLetter = DeadLetterPolicy(configuration: configuration, controlConnections: controlConnections)
        // Validation parsed the expression already; one that still fails to parse stops this entry
        // alone (Failed, with the reason) rather than forwarding what the filter meant to drop.
        var problem: String?
        if let expression = configuration.source.filterExpression {
            do {
                filter = try FilterProgram.parse(expression, knownVariables: FilterProgram.redisStreamVariables)
            } catch {
                problem = "filter expression does not parse: \(error)"
                filter = nil
            }
        } else {
            filter = nil
        }
        setupProblem = problem
        var settings = ConsumerCore.Configuration(streams: configuration.source.streams)
        settings.blockTime = configuration.blockTime
        settings.idleBlock = Self.idleBlock
        settings.startFrom = configuration.source.startFrom
        // Clamped before any arithmetic: the value is the user's.
        let claimIdle = Duration.seconds(min(max(configuration.source.claimMinIdleSeconds, 1), 60))
        settings.reclaimInterval = max(.seconds(1), claimIdle / 2)
        settings.statsInterval = statsInterval
        settings.keepsOrder = keepsOrder
        settings.maxDeliveries = deadLetter?.maxDeliveries
        core = ConsumerCore(settings)
    }

    func run() async {
        logger.info("adapter starting", metadata: ["streams": "\(configuration.source.streams.joined(separator: ","))", "group": "\(group)"])
        var actions = core.receive(setupProblem.map { .cannotRun($0) } ?? .start, at: .now)
        while let input = await perform(actions) {
            actions = core.receive(input, at: .now)
        }
    }

    /// Runs one step's actions in order; returns the input answering the last, nil once ended.
    /// A stop is told to the core before the step's last action: the core then either ends
    /// (the action would start something new) or lets the action run (a batch finishes first).
    private func perform(_ step: [ConsumerAction]) async -> ConsumerInput? {
        var actions = step[...]
        while let action = actions.popFirst() {
            if actions.isEmpty, !action.ends, stop.isStopped, !stopReported {
                stopReported = true
                let reply = core.receive(.stopRequested, at: .now)
                if !reply.isEmpty {
                    actions = reply[...]
                    continue
                }
            }
            if case .report(let event) = action {
                // A step's reports reach the status in one update: a reader never sees half of them.
                var events = [event]
                while case .report(let next)? = actions.first {
                    events.append(next)
                    actions.removeFirst()
                }
                apply(events)
                continue
            }
            do throws(RedisError) {
                if let input = try await execute(action) {
                    precondition(actions.isEmpty, "\(action) answered before the step's last action")
                    return input
                }
            } catch {
                if !error.breaksConnection, connection != nil {
                    // XACKs sent before the failed command were answered first: the core must know
                    // them before it re-creates a lost group where this adapter last acknowledged.
                    try? await settleAcknowledgements()
                }
                return .redisFailed(error)
            }
            if action.ends { return nil }
        }
        preconditionFailure("a step of the consumer core ended without an action to answer: \(step)")
    }

    private func execute(_ action: ConsumerAction) async throws(RedisError) -> ConsumerInput? {
        switch action {
        case .connect: return await connect()
        case .disconnect: dropConnection()
        case .send(let command): return try await send(command)
        case .deliver(let refs): return .sinkAnswered(await deliver(refs))
        case .ack(let ids): acknowledge(ids)
        case .schedule(let duration):
            guard await stop.sleep(for: duration, on: loop) else { return .timerFired }
            stopReported = true
            return .stopRequested
        case .report(let event): apply([event])
        case .fail(let reason):
            logger.error("this entry cannot run: \(reason)")
            changeStatus([.failed(reason: reason)])
            await finish()
        case .finish: await finish()
        }
        return nil
    }

    /// Confirms the acknowledgements written, closes the connection and the sink.
    private func finish() async {
        try? await settleAcknowledgements()
        dropConnection()
        sink.close()
        // A failed entry keeps showing why until it is changed or deleted.
        changeStatus([.stopped])
        logger.info("adapter stopped")
    }

    /// Forgets the connection and what was in flight on it; Redis keeps whatever it assigned us pending.
    func dropConnection() {
        connection?.close()
        connection = nil
        clientID = nil
        readAhead = nil
        unsettledAcks = []
        recordConnected(changeStatus([.disconnected]).after)
    }

    /// Folds `events` into the status (the cell reduces them), and tells the owner at once when
    /// the significant part changed: a transition is not left for the next counter sweep.
    @discardableResult
    func changeStatus(_ events: [AdapterStatusEvent]) -> (before: AdapterStatus, after: AdapterStatus) {
        let change = status.apply(events)
        if change.before.significant != change.after.significant { onPhaseChange?() }
        return change
    }

    /// The gauge reads the connection from the status it was reduced into, so the two never disagree.
    func recordConnected(_ status: AdapterStatus) {
        metrics.connected.record(status.significant.connection.connected ? 1 : 0)
    }
}
