import AdapterModel
import EventSourceAPI

/// The consumer's protocol logic, free of I/O and of clocks: every decision an adapter makes
/// about reading, read-ahead, delivery outcomes, acknowledgements, reclaiming, dead-lettering,
/// the sink's health, backoff and stopping. The executor (`AdapterWorker`, or the simulation in
/// the tests) feeds each answer in as a `ConsumerInput` with the time, and runs the
/// `ConsumerAction`s it gets back. An input that does not answer the step in progress is a bug
/// in the executor and traps, naming the state and the input.
///
/// connect → prepare each stream's group (stream by stream: one missing or holding another
/// type is retried on its own while the others are read) → replay this consumer's pending
/// entries → read new entries, the next batch read ahead while one is delivered. A failing sink
/// backs off and replays; entries that fail while others go through stay pending on their own
/// schedules; a broken connection backs off and reconnects; NOGROUP re-creates the group where
/// this adapter last acknowledged.
public struct ConsumerCore: Sendable {
    public struct Configuration: Sendable {
        public var streams: [String]
        /// How long a read of new entries may block while a stop cannot unblock it.
        public var blockTime: Duration = .seconds(2)
        /// How long an idle read may block once a stop can unblock it: idle adapters cost nothing.
        public var idleBlock: Duration = .zero
        /// Where a group starts that this adapter creates for the first time.
        public var startFrom: GroupStart = .newest
        public var reconnectBackoff: Backoff = .redisReconnect
        public var deliveryBackoff: Backoff = .delivery
        /// How often to look for other consumers' abandoned entries; nil turns reclaiming off.
        public var reclaimInterval: Duration?
        /// How often, at most, the group's figures are asked after a batch.
        public var statsInterval: Duration = .seconds(5)
        /// The sink delivers in order, so a failure holds back the entries behind it.
        public var keepsOrder = false
        /// Deliveries after which an entry goes to the dead-letter stream; nil: dead-lettering is off.
        public var maxDeliveries: Int?
        var retries = DeliveryRetrySchedule()
        var ackRule = DeliveryDecisions.AckRule.deliveredOnly
        /// A deliberately broken rule, for the simulation to show it catches it; nil in the product.
        var mutation: Mutation?

        public init(streams: [String]) {
            self.streams = streams
        }
    }

    /// Seeded mutations of the core (tests only).
    enum Mutation: Sendable {
        /// Acknowledge entries when they are handed to the sink, before it took them.
        case ackOnDeliver
    }

    /// A receiver's Retry-After is honoured up to this, so a bogus hint cannot park an adapter for days.
    public static let maximumRetryAfter = Duration.seconds(300)

    let configuration: Configuration
    var state: State
    /// The phase and missing streams last reported, so a change is reported once.
    private var reported: (phase: AdapterPhase, missing: [String])?

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        var streamWait = configuration.reconnectBackoff
        streamWait.maximum = min(configuration.reconnectBackoff.maximum, .seconds(5))
        state = .idle(
            Session(
                blockTime: configuration.blockTime, reconnectBackoff: configuration.reconnectBackoff,
                streamWaitBackoff: streamWait, deliveryBackoff: configuration.deliveryBackoff,
                delivery: DeliveryDecisions(
                    keepsOrder: configuration.keepsOrder, maxDeliveries: configuration.maxDeliveries,
                    retries: configuration.retries, ackRule: configuration.ackRule)))
    }

    public var phase: AdapterPhase { state.session?.phase ?? .connecting }
    public var missingStreams: [String] { state.session?.missingStreams ?? [] }
    /// Streams whose group is in place, in the order configured; only these are read.
    public var readyStreams: [String] { state.session.map(readyStreams(of:)) ?? [] }
    public var sinkFailing: Bool { state.session?.delivery.sinkFailing ?? false }
    public var isStopping: Bool { state.session?.stopping ?? false }
    public var lastAcknowledged: [String: StreamID] { state.session?.lastAcknowledged ?? [:] }
    var deadLettering: Bool { configuration.maxDeliveries != nil }

    /// Takes one input at `now` and returns what to do next; the last action is the one answered.
    public mutating func receive(_ input: ConsumerInput, at now: ContinuousClock.Instant) -> [ConsumerAction] {
        let current = state
        state = .modifying
        var actions = handle(input, in: current, now)
        if case .modifying = state { preconditionFailure("the consumer core left no state after \(input)") }
        if let session = state.session, reported.map({ $0.phase != session.phase || $0.missing != session.missingStreams }) ?? true {
            reported = (session.phase, session.missingStreams)
            // Beside the step's other reports, so the executor writes them into the status at once.
            let reports = actions.dropLast().lastIndex { if case .report = $0 { true } else { false } }
            let position = reports.map { $0 + 1 } ?? max(0, actions.count - 1)
            actions.insert(.report(.phaseChanged(session.phase, missingStreams: session.missingStreams)), at: position)
        }
        return actions
    }

    private mutating func handle(_ input: ConsumerInput, in current: consuming State, _ now: ContinuousClock.Instant) -> [ConsumerAction] {
        switch (input, consume current) {
        case (.start, .idle(let session)):
            return proceed(session, .connect, now)
        case (.cannotRun(let reason), .idle(let session)), (.cannotRun(let reason), .connecting(let session)):
            state = .failed(session, reason: reason)
            return [.fail(reason: reason)]
        case (.connected(let canUnblock), .connecting(var session)):
            session.ready = []
            session.prepareDue = nil
            session.blockTime = canUnblock ? max(configuration.blockTime, configuration.idleBlock) : configuration.blockTime
            return proceed(session, .prepare(startIDs(configuration.streams, session)), now)
        case (.groupsPrepared(let outcomes), .preparingGroups(var session, _)):
            let (reports, step) = decideAfterPreparing(&session, outcomes, now)
            return reports + proceed(session, step, now)
        case (.entriesRead(let entries), .reading(var session, let plan)):
            return entriesRead(entries, &session, plan, now)
        case (.sinkAnswered(let results), .delivering(var session, var batch)):
            precondition(results.count == batch.offered.count, "sinkAnswered with \(results.count) results for \(batch.offered.count) entries")
            return sinkAnswered(results, &session, &batch, now)
        case (.deadLetterWritten(let refusal), .deadLettering(var session, var batch)):
            return deadLetterWritten(refusal, &session, &batch, now)
        case (.reclaimed(let claimed), .reclaiming(var session)):
            session.reclaimDue = configuration.reclaimInterval.map { now + $0 }
            let total = claimed.values.reduce(0, +)
            let reports: [ConsumerAction] = total > 0 ? [.report(.reclaimed(claimed))] : []
            let next: Step = total > 0 ? .read(replayFromStart(session), block: nil) : readNew(&session, now)
            return reports + proceed(session, next, now)
        case (.timerFired, .sleeping(let session, let next)):
            return proceed(session, next, now)
        case (.acknowledged(let ids), let other):
            guard var session = other.session, !other.isIdle else { preconditionFailure("acknowledged() in state \(other)") }
            for (stream, id) in ids where session.lastAcknowledged[stream].map({ id > $0 }) ?? true {
                session.lastAcknowledged[stream] = id
            }
            state = other.replacingSession(session)
            return []
        case (.redisFailed(let error), let other):
            return redisFailed(error, in: other, now)
        case (.stopRequested, let other):
            return stopRequested(in: other, now)
        case (let input, let other):
            preconditionFailure("\(input) in state \(other)")
        }
    }

    /// A stop: at a step that would start something new it ends the adapter; in the middle of a
    /// batch it lets the batch finish and be acknowledged first (no read-ahead goes out after it).
    private mutating func stopRequested(in current: State, _ now: ContinuousClock.Instant) -> [ConsumerAction] {
        switch current {
        case .connecting(var session), .preparingGroups(var session, _), .reclaiming(var session), .sleeping(var session, _),
            .reading(var session, .step):
            session.stopping = true
            return proceed(session, .finish, now)
        case .reading(var session, let plan):
            session.stopping = true
            state = .reading(session, plan)
            return []
        case .delivering(var session, let batch):
            session.stopping = true
            state = .delivering(session, batch)
            return []
        case .deadLettering(var session, let batch):
            session.stopping = true
            state = .deadLettering(session, batch)
            return []
        case .idle, .failed, .stopped, .modifying:
            preconditionFailure("stopRequested in state \(current)")
        }
    }

    /// Settles the read-ahead if the step is not a read of new entries, then enters the step.
    mutating func proceed(_ session: consuming Session, _ step: Step, _ now: ContinuousClock.Instant) -> [ConsumerAction] {
        var session = session
        var step = step
        if session.stopping {
            switch step {
            case .fail, .finish: break
            case .read(.new, _) where session.readAheadInFlight: break
            default: step = .finish
            }
        }
        if session.readAheadInFlight, !step.readsNew {
            session.readAheadInFlight = false
            // A reclaim, a group check, a backoff or the end comes first. If the batch before
            // went through, order allows delivering the read-ahead now; else its entries stay
            // pending, replayed in order.
            let deliver = session.lastNewBatchWentThrough
            state = .reading(session, .readAheadBefore(step, deliver: deliver))
            return [.send(.collectReadAhead(countDeliveries: false))]
        }
        switch step {
        case .connect:
            state = .connecting(session)
            return [.connect]
        case .prepare(let startIDs):
            state = .preparingGroups(session, startIDs)
            return [.send(.createGroups(startIDs))]
        case .read(.new, let block) where session.readAheadInFlight:
            session.readAheadInFlight = false
            state = .reading(session, .readAheadAsStep(block: block))
            return [.send(.collectReadAhead(countDeliveries: false))]
        case .read(let mode, let block):
            return read(&session, mode, block: block, now)
        case .reclaim:
            let streams = readyStreams(of: session)
            state = .reclaiming(session)
            return [.send(.reclaim(streams: streams))]
        case .sleep(let duration, let next):
            state = .sleeping(session, then: next)
            return [.schedule(after: duration)]
        case .fail(let reason):
            state = .failed(session, reason: reason)
            return [.fail(reason: reason)]
        case .finish:
            state = .stopped(session)
            return [.finish]
        }
    }

    /// A read as the step asks; going idle (a blocking read) first refreshes the group's figures if they changed.
    mutating func read(_ session: inout Session, _ mode: ReadMode, block: Duration?, _ now: ContinuousClock.Instant) -> [ConsumerAction] {
        var actions: [ConsumerAction] = []
        if block != nil, session.statsStale {
            session.statsStale = false
            session.nextStatsRefresh = now + configuration.statsInterval
            actions.append(.send(.refreshStats))
        }
        let streams: [String]
        switch mode {
        case .new: streams = readyStreams(of: session)
        case .pending(let cursors): streams = configuration.streams.filter { cursors[$0] != nil }
        }
        let countDeliveries = deadLettering && mode != .new
        state = .reading(session, .step(mode, block: block))
        return actions + [.send(.read(mode, streams: streams, block: block, countDeliveries: countDeliveries))]
    }

    func readyStreams(of session: Session) -> [String] { configuration.streams.filter(session.ready.contains) }

    func replayFromStart(_ session: Session) -> ReadMode {
        .pending(after: Dictionary(uniqueKeysWithValues: readyStreams(of: session).map { ($0, "0") }))
    }
}

extension ConsumerCore.State {
    var session: ConsumerCore.Session? {
        switch self {
        case .idle(let session), .connecting(let session), .preparingGroups(let session, _), .reading(let session, _),
            .delivering(let session, _), .deadLettering(let session, _), .reclaiming(let session), .sleeping(let session, _),
            .failed(let session, _), .stopped(let session):
            return session
        case .modifying:
            return nil
        }
    }

    var isIdle: Bool {
        if case .idle = self { return true }
        return false
    }

    func replacingSession(_ session: ConsumerCore.Session) -> Self {
        switch self {
        case .idle: .idle(session)
        case .connecting: .connecting(session)
        case .preparingGroups(_, let ids): .preparingGroups(session, ids)
        case .reading(_, let plan): .reading(session, plan)
        case .delivering(_, let batch): .delivering(session, batch)
        case .deadLettering(_, let batch): .deadLettering(session, batch)
        case .reclaiming: .reclaiming(session)
        case .sleeping(_, let next): .sleeping(session, then: next)
        case .failed(_, let reason): .failed(session, reason: reason)
        case .stopped: .stopped(session)
        case .modifying: .modifying
        }
    }
}
