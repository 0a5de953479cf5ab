import AdapterModel
import EventSourceAPI

extension ConsumerCore {
    /// The step in progress, each case carrying what it needs. `Session` is what outlives a
    /// step (the groups in place, backoffs, the sink's health); `Batch` is one batch between its
    /// read and its acknowledgement. An input that does not answer the step in progress traps.
    enum State: Sendable {
        case idle(Session)
        /// Waiting for `.connected`.
        case connecting(Session)
        /// Waiting for `.groupsPrepared` for these streams (at these ids).
        case preparingGroups(Session, [String: String])
        /// Waiting for `.entriesRead`.
        case reading(Session, ReadPlan)
        /// Waiting for `.sinkAnswered`.
        case delivering(Session, Batch)
        /// Waiting for `.deadLetterWritten` for `batch.writing`.
        case deadLettering(Session, Batch)
        /// Waiting for `.reclaimed`.
        case reclaiming(Session)
        /// Waiting for `.timerFired`, then taking `then`.
        case sleeping(Session, then: Step)
        case failed(Session, reason: String)
        case stopped(Session)
        /// Only while an input is handled, so no payload is shared (copy-on-write stays cheap).
        case modifying
    }

    /// What a read was for.
    enum ReadPlan: Sendable, Equatable {
        /// The step's own read.
        case step(ReadMode, block: Duration?)
        /// The step's read of new entries, answered first by the read-ahead already on the wire;
        /// if that came back empty and `block` is set, a blocking read follows.
        case readAheadAsStep(block: Duration?)
        /// The read-ahead, collected before `then`, a step other than a read of new entries:
        /// delivered when order allows (`deliver`), else left pending to be replayed in order.
        case readAheadBefore(Step, deliver: Bool)
    }

    /// The next step, before the read-ahead is settled and the actions are emitted (`proceed`).
    indirect enum Step: Sendable, Equatable {
        case connect
        case prepare([String: String])
        case read(ReadMode, block: Duration?)
        case reclaim
        case sleep(Duration, then: Step)
        case fail(String)
        case finish

        var readsNew: Bool {
            if case .read(.new, _) = self { return true }
            return false
        }
    }

    /// What outlives a step.
    struct Session: Sendable {
        var phase: AdapterPhase = .connecting
        var missingStreams: [String] = []
        /// What was last reported about missing streams, so a long wait reports once.
        var reportedMissing: [String] = []
        /// How long an idle read of new entries may block (longer once a stop can unblock it).
        var blockTime: Duration
        var ready: Set<String> = []
        /// Streams this adapter had a group on at some point: a group it has to create again
        /// vanished, so `startFrom` no longer applies to it.
        var everReady: Set<String> = []
        /// Streams seen absent or holding another type: all they hold once they are streams again is new.
        var sawGone: Set<String> = []
        /// The highest id Redis confirmed acknowledged per stream, where a lost group is re-created.
        var lastAcknowledged: [String: StreamID] = [:]
        /// Where this adapter created each group: a safe place to re-create it before any ack.
        var createdAt: [String: StreamID] = [:]
        /// When to look again for the streams still missing while the others are read.
        var prepareDue: ContinuousClock.Instant?
        /// Group errors in a row without a read of new entries in between; from the second on they wait.
        var groupTroubles = 0
        var reconnectBackoff: Backoff
        /// Polling for streams to appear is cheap, so it never waits long between checks.
        var streamWaitBackoff: Backoff
        var deliveryBackoff: Backoff
        /// When entries left pending should be offered to the sink again.
        var pendingRetryDue: ContinuousClock.Instant?
        var reclaimDue: ContinuousClock.Instant?
        /// What each delivery outcome means; the sink's health.
        var delivery: DeliveryDecisions
        /// A read of new entries is on the wire, not yet collected.
        var readAheadInFlight = false
        /// The last batch of new entries was all taken, so a read-ahead behind it may follow.
        var lastNewBatchWentThrough = false
        /// The group's figures changed (acks) since XINFO last looked.
        var statsStale = true
        /// When the group's figures may be asked again after a batch; nil: at once.
        var nextStatsRefresh: ContinuousClock.Instant?
        /// A stop was asked for: nothing new starts; what is in flight finishes and is acknowledged.
        var stopping = false
    }

    /// One batch, from its read to its acknowledgement.
    struct Batch: Sendable {
        enum Then: Sendable, Equatable {
            /// The step's own batch: what it came to decides the next step.
            case decide
            /// A read-ahead delivered before `Step`: that step follows whatever the batch came to.
            case resume(Step)
        }

        struct DeadLetter: Sendable, Equatable {
            var entry: ReadEntry
            var deliveries: Int
            var reason: String
        }

        var mode: ReadMode
        var then: Then
        var entryCount = 0
        /// The last id read per stream, delivered or not.
        var lastIDs: [String: String] = [:]
        var acks: [String: [String]] = [:]
        /// Read (so counted by Redis) but never offered to the sink.
        var untried: [ReadEntry] = []
        /// When the earliest entry left pending on its own schedule is due.
        var retryIn: Duration?
        /// Handed to the sink with `.deliver`, in order.
        var offered: [ReadEntry] = []
        /// Whether the sink answered (or there was nothing to offer).
        var settled = false
        var settlement = DeliveryDecisions.Settlement()
        var forwarded = 0
        /// Dead-letter writes still to do, and the one being written.
        var deadLetters: [DeadLetter] = []
        var writing: DeadLetter?

        init(mode: ReadMode, then: Then) {
            self.mode = mode
            self.then = then
        }

        mutating func acknowledge(_ ref: DeliveryDecisions.EntryRef) { acks[ref.stream, default: []].append(ref.id) }

        mutating func leavePending(_ wait: Duration) { retryIn = min(retryIn ?? wait, wait) }
    }
}
