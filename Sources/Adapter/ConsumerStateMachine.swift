import AdapterModel
import EventSourceAPI

/// The consumer's protocol logic, free of I/O: the adapter performs each `Action` and reports
/// what happened; the machine answers with the next action. The step in progress is an enum
/// (`State`) carrying what that step needs; an answer to a step not asked for is a precondition
/// failure. What outlives a step (ready streams, acknowledged ids, backoffs) is kept beside it.
///
/// connect → prepare each stream's group (stream by stream: a stream that is missing or holds
/// another type is retried on its own while the others are read) → replay this consumer's
/// pending entries (id `0`, cursor advancing per stream) → read new entries (`>`).
/// A failing sink backs off and replays pending entries instead of pulling new ones; entries
/// that fail while others go through stay pending and are replayed when their own retry is due;
/// a broken connection backs off and reconnects; NOGROUP re-creates the group where this
/// adapter last acknowledged, so a destroyed group neither replays history nor skips entries.
public struct ConsumerStateMachine: Sendable {
    public enum ReadMode: Sendable, Equatable {
        /// Entries already delivered to this consumer but not acknowledged, after the given ids;
        /// only the streams listed are read.
        case pending(after: [String: String])
        /// New entries of every stream whose group is ready (`readyStreams`).
        case new
    }

    public enum Action: Sendable, Equatable {
        case connect
        /// XGROUP CREATE on each listed stream at its id (with MKSTREAM unless the entry opted
        /// out); an existing group (BUSYGROUP) counts as ready. Report with `groupsPrepared`.
        case prepareGroups([String: String])
        /// XREADGROUP; `block` is nil for a non-blocking read.
        case read(ReadMode, block: Duration?)
        /// Take over entries other consumers left pending longer than the claim idle time.
        case reclaim
        case sleep(Duration)
        /// A fault of this entry alone that retrying cannot fix: stop it and show it `Failed`.
        case fail(reason: String)
    }

    /// What XGROUP CREATE found on one stream.
    public enum GroupSetup: Sendable, Equatable {
        /// This adapter created the group, positioned at this id (nil when Redis would not say).
        case created(at: StreamID?)
        /// The group was already there.
        case ready
        /// No such key, and the entry must not create it (`createStreams: false`).
        case missing
        /// The key holds something other than a stream.
        case wrongType
    }

    /// What delivering one batch came to.
    public struct BatchResult: Sendable, Equatable {
        public var entryCount: Int
        /// The last id read per stream, delivered or not.
        public var lastIDs: [String: String]
        /// The sink as a whole is failing (nothing got through, or a sink that keeps order failed):
        /// the adapter backs off and replays its pending entries instead of reading new ones.
        public var sinkFailed: Bool
        /// Some entries failed or were refused on their own and stay pending for a later retry,
        /// while the adapter goes on reading new entries.
        public var entriesLeftPending: Bool
        /// The receiver's own hint (HTTP Retry-After) for when to try again.
        public var retryAfter: Duration?
        /// Entries the sink took.
        public var delivered: Int
        /// When the earliest entry left pending is due again, by its own backoff; nil uses the
        /// adapter's delivery backoff.
        public var retryIn: Duration?
        /// With `sinkFailed`: every entry tried had failed before, so after the backoff new
        /// entries are read to probe the sink instead of replaying the same ones (they may be poison).
        public var probeNew: Bool

        public init(
            entryCount: Int, lastIDs: [String: String], sinkFailed: Bool = false, entriesLeftPending: Bool = false,
            retryAfter: Duration? = nil, delivered: Int = 0, retryIn: Duration? = nil, probeNew: Bool = false
        ) {
            self.probeNew = probeNew
            self.entryCount = entryCount
            self.lastIDs = lastIDs
            self.sinkFailed = sinkFailed
            self.entriesLeftPending = entriesLeftPending
            self.retryAfter = retryAfter
            self.delivered = delivered
            self.retryIn = retryIn
        }
    }

    /// A receiver's Retry-After is honoured up to this, so a bogus hint cannot park an adapter for days.
    public static let maximumRetryAfter = Duration.seconds(300)

    public let streams: [String]
    /// How long a read of new entries may block when nothing else is due sooner: the configured
    /// time, or `idleBlock` while a stop can unblock the read (`stopCanUnblockReads`).
    public private(set) var blockTime: Duration
    private let configuredBlockTime: Duration
    /// How long an idle read may block when a stop can unblock it: idle adapters cost nothing.
    private let idleBlock: Duration
    /// Where a group starts that this adapter creates for the first time.
    public let startFrom: GroupStart
    private(set) public var phase: AdapterPhase = .connecting
    private(set) public var missingStreams: [String] = []
    /// Streams whose group is in place, in the order of `streams`; only these are read.
    public var readyStreams: [String] { streams.filter(ready.contains) }
    private var ready: Set<String> = []
    /// Streams this adapter had a group on at some point: a group it has to create again
    /// vanished, so `startFrom` no longer applies to it.
    private var everReady: Set<String> = []
    /// Streams seen absent or holding another type: whatever they hold once they are streams
    /// again was written after that, so nothing in them was delivered before.
    private var sawGone: Set<String> = []
    /// The highest id this adapter acknowledged per stream, where a lost group is re-created.
    private(set) public var lastAcknowledged: [String: StreamID] = [:]
    /// Where this adapter created each group: everything after it was written while the group
    /// existed, so it is a safe place to re-create the group before anything was acknowledged.
    private var createdAt: [String: StreamID] = [:]
    /// When to look again for the streams still missing while the others are read.
    private var prepareDue: ContinuousClock.Instant?
    /// Group errors in a row without a read in between; from the second one on they wait.
    private var groupTroubles = 0
    private var reconnectBackoff: Backoff
    /// Polling for streams to appear is cheap, so it never waits long between checks.
    private var streamWaitBackoff: Backoff
    private var deliveryBackoff: Backoff
    /// The step the adapter was last told to take, with what that step needs.
    private(set) var state: State = .idle
    /// When refused entries should be offered to the sink again.
    private var pendingRetryDue: ContinuousClock.Instant?
    private var now: @Sendable () -> ContinuousClock.Instant
    /// How often to look for other consumers' abandoned entries; nil turns reclaiming off.
    public let reclaimInterval: Duration?
    private var reclaimDue: ContinuousClock.Instant?
    /// What each delivery outcome means: acknowledge, dead-letter, leave pending; sink health.
    public var delivery: DeliveryDecisions

    public init(
        streams: [String], blockTime: Duration = .seconds(2), startFrom: GroupStart = .newest,
        reconnectBackoff: Backoff = .redisReconnect, deliveryBackoff: Backoff = .delivery, reclaimInterval: Duration? = nil,
        idleBlock: Duration = .zero, delivery: DeliveryDecisions = DeliveryDecisions(keepsOrder: false, maxDeliveries: nil),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.delivery = delivery
        self.reclaimInterval = reclaimInterval
        self.streams = streams
        self.startFrom = startFrom
        self.blockTime = blockTime
        configuredBlockTime = blockTime
        self.idleBlock = max(blockTime, idleBlock)
        self.reconnectBackoff = reconnectBackoff
        var streamWait = reconnectBackoff
        streamWait.maximum = min(reconnectBackoff.maximum, .seconds(5))
        self.streamWaitBackoff = streamWait
        self.deliveryBackoff = deliveryBackoff
        self.now = now
    }

    /// The step in progress. Every input must answer the step the machine asked for, in the
    /// SwiftNIO style: an answer to another step is a bug in the caller, and stops the process.
    enum State: Sendable, Equatable {
        /// Not started.
        case idle
        case connecting
        case preparingGroups([String: String])
        case reading(ReadMode)
        case reclaiming
        case sleeping(then: Action)
        case failed(reason: String)
    }

    public mutating func start() -> Action {
        guard case .idle = state else { preconditionFailure("start() in state \(state)") }
        return enter(.connect)
    }

    /// The entry cannot run at all (for example its filter does not parse).
    public mutating func cannotRun(_ reason: String) -> Action {
        if case .failed = state { preconditionFailure("cannotRun() in state \(state)") }
        phase = .failed
        return enter(.fail(reason: reason))
    }

    /// Records the step the action asks for; a sleep was recorded by `sleep(_:then:)` with its follow-up.
    private mutating func enter(_ action: Action) -> Action {
        switch action {
        case .connect: state = .connecting
        case .prepareGroups(let startIDs): state = .preparingGroups(startIDs)
        case .read(let mode, _): state = .reading(mode)
        case .reclaim: state = .reclaiming
        case .sleep:
            guard case .sleeping = state else { preconditionFailure("a sleep without a follow-up step") }
        case .fail(let reason): state = .failed(reason: reason)
        }
        return action
    }

    private var replayFromStart: ReadMode {
        .pending(after: Dictionary(uniqueKeysWithValues: readyStreams.map { ($0, "0") }))
    }

    private var settledPhase: AdapterPhase { missingStreams.isEmpty ? .consuming : .waitingForStreams }

    /// Where a group this adapter creates on `stream` starts. After a lost group: where this
    /// adapter last acknowledged (or created the group, if later), so nothing delivered is
    /// replayed and nothing after it skipped;
    /// `0` for a stream seen gone (all it holds is new); else `$` — never `0` on a stream whose
    /// history may have been delivered. `startFrom` only for a stream it never had a group on.
    public func startID(for stream: String) -> String {
        if let known = [lastAcknowledged[stream], createdAt[stream]].compactMap({ $0 }).max() { return known.description }
        if sawGone.contains(stream) { return "0" }
        if !everReady.contains(stream) { return startFrom.argument }
        return "$"
    }

    private func prepare(_ names: [String]) -> Action {
        .prepareGroups(Dictionary(uniqueKeysWithValues: names.map { ($0, startID(for: $0)) }))
    }

    /// Whether the connection lets a stop unblock a read (CLIENT UNBLOCK): only then may an idle
    /// read block long. A new connection starts without (the executor finds out after connecting).
    public mutating func stopCanUnblockReads(_ can: Bool) {
        blockTime = can ? idleBlock : configuredBlockTime
    }

    /// A new connection: every group is checked again (cheap: BUSYGROUP), since one may have
    /// vanished meanwhile, with its stream or with a Redis restart.
    public mutating func connected() -> Action {
        switch state {
        case .idle, .connecting: break
        default: preconditionFailure("connected() in state \(state)")
        }
        ready = []
        prepareDue = nil
        return enter(prepare(streams))
    }

    /// What XGROUP CREATE found on each stream the last `prepareGroups` named.
    public mutating func groupsPrepared(_ outcomes: [String: GroupSetup]) -> Action {
        guard case .preparingGroups = state else { preconditionFailure("groupsPrepared() in state \(state)") }
        return enter(decideAfterPreparing(outcomes))
    }

    private mutating func decideAfterPreparing(_ outcomes: [String: GroupSetup]) -> Action {
        var newlyReady: Set<String> = []
        for (stream, outcome) in outcomes {
            if case .created(let position?) = outcome { createdAt[stream] = position }
            switch outcome {
            case .ready, .created:
                if ready.insert(stream).inserted { newlyReady.insert(stream) }
                everReady.insert(stream)
                sawGone.remove(stream)
            case .missing, .wrongType:
                ready.remove(stream)
                sawGone.insert(stream)
            }
        }
        missingStreams = streams.filter { !ready.contains($0) }
        guard !ready.isEmpty else {
            phase = .waitingForStreams
            prepareDue = nil
            return sleep(streamWaitBackoff.next(), then: prepare(missingStreams))
        }
        if missingStreams.isEmpty {
            streamWaitBackoff.reset()
            prepareDue = nil
        } else {
            prepareDue = now() + streamWaitBackoff.next()
        }
        // A reconnect does not make a failing sink healthy.
        phase = delivery.sinkFailing ? .retrying : (phase == .retrying ? .retrying : settledPhase)
        // Look for abandoned entries at once: a replica that died just before we started left them.
        if reclaimInterval != nil && reclaimDue == nil { reclaimDue = now() }
        let replay = streams.filter(newlyReady.contains)
        guard !replay.isEmpty else { return readNew() }
        return .read(.pending(after: Dictionary(uniqueKeysWithValues: replay.map { ($0, "0") })), block: nil)
    }

    /// XACK succeeded for these ids (the highest per stream is enough).
    public mutating func acknowledged(_ ids: [String: StreamID]) {
        for (stream, id) in ids where lastAcknowledged[stream].map({ id > $0 }) ?? true {
            lastAcknowledged[stream] = id
        }
    }

    /// A read-ahead batch came back but was not delivered (the batch before it held back, or the
    /// adapter is stopping): its entries are in this consumer's pending list, so they are replayed,
    /// in order, before anything newer is read.
    public mutating func readAheadLeftPending() {
        pendingRetryDue = now()
    }

    /// `claimed` entries moved into this consumer's pending list; they are delivered by a replay.
    public mutating func reclaimFinished(claimed: Int) -> Action {
        guard case .reclaiming = state else { preconditionFailure("reclaimFinished() in state \(state)") }
        reclaimDue = reclaimInterval.map { now() + $0 }
        if claimed > 0 { return enter(.read(replayFromStart, block: nil)) }
        return enter(readNew())
    }

    public mutating func batchFinished(_ mode: ReadMode, _ result: BatchResult) -> Action {
        guard case .reading(let reading) = state, reading == mode else {
            preconditionFailure("batchFinished(\(mode)) in state \(state)")
        }
        return enter(decideAfterBatch(mode, result))
    }

    private mutating func decideAfterBatch(_ mode: ReadMode, _ result: BatchResult) -> Action {
        reconnectBackoff.reset()
        // Only a read of new entries ends a streak of group errors: a replay right after
        // re-creating the groups proves nothing, and resetting there could spin.
        if mode == .new { groupTroubles = 0 }
        if result.sinkFailed {
            phase = .retrying
            var delay = deliveryBackoff.next()
            if let hint = result.retryAfter { delay = max(delay, min(hint, Self.maximumRetryAfter)) }
            if result.probeNew, readyStreams.count > 0 {
                if let wait = result.retryIn {
                    let due = now() + wait
                    pendingRetryDue = min(pendingRetryDue ?? due, due)
                }
                return sleep(delay, then: .read(.new, block: nil))
            }
            return sleep(delay, then: .read(replayFromStart, block: nil))
        }
        if result.delivered > 0 {
            // The sink takes events: entries that failed retry on their own schedule.
            deliveryBackoff.reset()
            phase = settledPhase
        }
        if result.entriesLeftPending {
            let due = now() + (result.retryIn ?? deliveryBackoff.next())
            pendingRetryDue = min(pendingRetryDue ?? due, due)
        }
        switch mode {
        case .pending(let cursors):
            if result.entryCount == 0 {
                return readNew()
            }
            var next = cursors
            for (stream, id) in result.lastIDs { next[stream] = id }
            return .read(.pending(after: next), block: nil)
        case .new:
            return readNew()
        }
    }

    private mutating func readNew() -> Action {
        var block = blockTime
        if let due = prepareDue {
            let wait = now().duration(to: due)
            if wait <= .zero {
                prepareDue = nil
                return prepare(missingStreams)
            }
            block = min(block, wait)
        }
        if let due = reclaimDue {
            let wait = now().duration(to: due)
            if wait <= .zero { return .reclaim }
            block = min(block, wait)
        }
        if let due = pendingRetryDue {
            let wait = now().duration(to: due)
            if wait <= .zero {
                pendingRetryDue = nil
                return .read(replayFromStart, block: nil)
            }
            return .read(.new, block: min(wait, block))
        }
        // The phase says Retrying until the sink takes an event again, probes included.
        if phase == .retrying && !delivery.sinkFailing { phase = settledPhase }
        return .read(.new, block: block)
    }

    /// A Redis failure at any step.
    public mutating func redisFailed(_ error: RedisError) -> Action {
        switch state {
        case .connecting, .preparingGroups, .reading, .reclaiming: return enter(decideAfterFailure(error))
        case .idle, .sleeping, .failed: preconditionFailure("redisFailed() in state \(state)")
        }
    }

    private mutating func decideAfterFailure(_ error: RedisError) -> Action {
        // NOGROUP: the group was destroyed, or the stream deleted (and maybe re-created without
        // it). UNBLOCKED: Redis woke our blocked read because the key was deleted or overwritten.
        // WRONGTYPE: the key holds something else now. The reply does not reliably say which
        // stream, so every group is checked again; intact ones answer BUSYGROUP.
        if case .server(let code, _) = error, ["NOGROUP", "UNBLOCKED", "WRONGTYPE"].contains(code) {
            ready = []
            groupTroubles += 1
            let next = prepare(streams)
            // Once more right away; if that keeps failing, wait as for a missing stream.
            return groupTroubles > 1 ? sleep(streamWaitBackoff.next(), then: next) : next
        }
        phase = .connecting
        return sleep(reconnectBackoff.next(), then: .connect)
    }

    public mutating func sleepFinished() -> Action {
        guard case .sleeping(let next) = state else { preconditionFailure("sleepFinished() in state \(state)") }
        return enter(next)
    }

    private mutating func sleep(_ duration: Duration, then next: Action) -> Action {
        state = .sleeping(then: next)
        return .sleep(duration)
    }
}
