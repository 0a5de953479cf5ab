/// The consumer's protocol logic, free of I/O: the adapter thread performs each `Action`
/// and reports what happened; the machine answers with the next action.
///
/// connect → prepare groups (waiting while streams are missing) → replay this consumer's
/// pending entries (id `0`, cursor advancing per stream) → read new entries (`>`).
/// A failing sink backs off and replays pending entries instead of pulling new ones; entries
/// that fail while others go through stay pending and are replayed when their own retry is due;
/// a broken connection backs off and reconnects; NOGROUP re-creates the group.
public struct ConsumerStateMachine: Sendable {
    public enum ReadMode: Sendable, Equatable {
        /// Entries already delivered to this consumer but not acknowledged, after the given ids.
        case pending(after: [String: String])
        case new
    }

    public enum Action: Sendable, Equatable {
        case connect
        /// Check that every stream exists, then create the group on each (BUSYGROUP is fine).
        /// `startID` is `$` on first setup and `0` when the group vanished with its stream.
        case prepareGroups(startID: String)
        /// XREADGROUP; `block` is nil for a non-blocking read.
        case read(ReadMode, block: Duration?)
        /// Take over entries other consumers left pending longer than the claim idle time.
        case reclaim
        case sleep(Duration)
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

        public init(
            entryCount: Int, lastIDs: [String: String], sinkFailed: Bool = false, entriesLeftPending: Bool = false,
            retryAfter: Duration? = nil, delivered: Int = 0, retryIn: Duration? = nil
        ) {
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
    public let blockTime: Duration
    private(set) public var phase: AdapterPhase = .connecting
    private(set) public var missingStreams: [String] = []
    private var reconnectBackoff: Backoff
    /// Polling for streams to appear is cheap, so it never waits long between checks.
    private var streamWaitBackoff: Backoff
    private var deliveryBackoff: Backoff
    private var afterSleep: Action = .connect
    private var groupStartID = "$"
    /// When refused entries should be offered to the sink again.
    private var pendingRetryDue: ContinuousClock.Instant?
    private var now: @Sendable () -> ContinuousClock.Instant
    /// How often to look for other consumers' abandoned entries; nil turns reclaiming off.
    public let reclaimInterval: Duration?
    private var reclaimDue: ContinuousClock.Instant?

    public init(
        streams: [String], blockTime: Duration = .seconds(2), reconnectBackoff: Backoff = .redisReconnect,
        deliveryBackoff: Backoff = .delivery, reclaimInterval: Duration? = nil,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.reclaimInterval = reclaimInterval
        self.streams = streams
        self.blockTime = blockTime
        self.reconnectBackoff = reconnectBackoff
        var streamWait = reconnectBackoff
        streamWait.maximum = min(reconnectBackoff.maximum, .seconds(5))
        self.streamWaitBackoff = streamWait
        self.deliveryBackoff = deliveryBackoff
        self.now = now
    }

    public func start() -> Action { .connect }

    private var replayFromStart: ReadMode {
        .pending(after: Dictionary(uniqueKeysWithValues: streams.map { ($0, "0") }))
    }

    public mutating func connected() -> Action {
        .prepareGroups(startID: groupStartID)
    }

    public mutating func streamsMissing(_ missing: [String]) -> Action {
        phase = .waitingForStreams
        missingStreams = missing
        return sleep(streamWaitBackoff.next(), then: .prepareGroups(startID: groupStartID))
    }

    public mutating func groupsReady() -> Action {
        missingStreams = []
        streamWaitBackoff.reset()
        groupStartID = "$"
        if phase != .retrying { phase = .consuming }
        // Look for abandoned entries at once: a replica that died just before we started left them.
        if reclaimInterval != nil && reclaimDue == nil { reclaimDue = now() }
        return .read(replayFromStart, block: nil)
    }

    /// `claimed` entries moved into this consumer's pending list; they are delivered by a replay.
    public mutating func reclaimFinished(claimed: Int) -> Action {
        reclaimDue = reclaimInterval.map { now() + $0 }
        if claimed > 0 { return .read(replayFromStart, block: nil) }
        return readNew()
    }

    public mutating func batchFinished(_ mode: ReadMode, _ result: BatchResult) -> Action {
        reconnectBackoff.reset()
        if result.sinkFailed {
            phase = .retrying
            var delay = deliveryBackoff.next()
            if let hint = result.retryAfter { delay = max(delay, min(hint, Self.maximumRetryAfter)) }
            return sleep(delay, then: .read(replayFromStart, block: nil))
        }
        if result.delivered > 0 {
            // The sink takes events: entries that failed retry on their own schedule.
            deliveryBackoff.reset()
            phase = .consuming
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
        if phase == .retrying { phase = .consuming }
        return .read(.new, block: block)
    }

    /// A Redis failure at any step.
    public mutating func redisFailed(_ error: RedisError) -> Action {
        // NOGROUP: the stream was deleted and re-created without our group. UNBLOCKED: Redis 7
        // woke our blocked read because the stream was deleted. Either way, everything the stream
        // holds once it exists again is new to us.
        if case .server(let code, _) = error, code == "NOGROUP" || code == "UNBLOCKED" {
            groupStartID = "0"
            return .prepareGroups(startID: groupStartID)
        }
        phase = .connecting
        return sleep(reconnectBackoff.next(), then: .connect)
    }

    public mutating func sleepFinished() -> Action {
        afterSleep
    }

    private mutating func sleep(_ duration: Duration, then next: Action) -> Action {
        afterSleep = next
        return .sleep(duration)
    }
}
