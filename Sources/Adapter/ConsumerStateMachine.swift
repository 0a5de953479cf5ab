/// The consumer's protocol logic, free of I/O: the adapter thread performs each `Action`
/// and reports what happened; the machine answers with the next action.
///
/// connect → prepare groups (waiting while streams are missing) → replay this consumer's
/// pending entries (id `0`, cursor advancing per stream) → read new entries (`>`).
/// A failing sink backs off and replays pending entries instead of pulling new ones;
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
        case sleep(Duration)
    }

    /// What delivering one batch came to.
    public struct BatchResult: Sendable, Equatable {
        public var entryCount: Int
        /// The last id read per stream, delivered or not.
        public var lastIDs: [String: String]
        /// A retryable sink failure stopped the batch; the rest stays pending.
        public var sinkFailed: Bool
        /// Some entries were refused by the sink and stay pending for a later retry.
        public var entriesLeftPending: Bool

        public init(entryCount: Int, lastIDs: [String: String], sinkFailed: Bool = false, entriesLeftPending: Bool = false) {
            self.entryCount = entryCount
            self.lastIDs = lastIDs
            self.sinkFailed = sinkFailed
            self.entriesLeftPending = entriesLeftPending
        }
    }

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

    public init(
        streams: [String], blockTime: Duration = .seconds(2), reconnectBackoff: Backoff = .redisReconnect,
        deliveryBackoff: Backoff = .delivery, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
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
        return .read(replayFromStart, block: nil)
    }

    public mutating func batchFinished(_ mode: ReadMode, _ result: BatchResult) -> Action {
        reconnectBackoff.reset()
        if result.sinkFailed {
            phase = .retrying
            return sleep(deliveryBackoff.next(), then: .read(replayFromStart, block: nil))
        }
        switch mode {
        case .pending(let cursors):
            if result.entryCount == 0 {
                return readNew()
            }
            if result.entriesLeftPending {
                pendingRetryDue = now() + deliveryBackoff.next()
            } else if pendingRetryDue == nil {
                deliveryBackoff.reset()
                phase = .consuming
            }
            var next = cursors
            for (stream, id) in result.lastIDs { next[stream] = id }
            return .read(.pending(after: next), block: nil)
        case .new:
            if result.entriesLeftPending {
                pendingRetryDue = now() + deliveryBackoff.next()
            } else if result.entryCount > 0 && pendingRetryDue == nil {
                deliveryBackoff.reset()
                phase = .consuming
            }
            return readNew()
        }
    }

    private mutating func readNew() -> Action {
        if let due = pendingRetryDue {
            let wait = now().duration(to: due)
            if wait <= .zero {
                pendingRetryDue = nil
                return .read(replayFromStart, block: nil)
            }
            return .read(.new, block: min(wait, blockTime))
        }
        if phase == .retrying { phase = .consuming }
        return .read(.new, block: blockTime)
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
