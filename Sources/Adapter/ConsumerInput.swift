import EventSourceAPI
import Sinks

/// What the executor tells the consumer's core: the answer to the action it was asked to run,
/// or something that happened (a stop, acknowledgements Redis confirmed). Time comes in beside
/// each input (`ConsumerCore.receive(_:at:)`), so the core never reads a clock.
public enum ConsumerInput: Sendable, Equatable {
    case start
    /// The entry cannot run at all (its filter does not parse, its TLS material is unusable).
    case cannotRun(String)
    /// Answers `.connect`. Whether a stop can unblock this connection's reads (CLIENT UNBLOCK):
    /// only then may an idle read block long.
    case connected(stopCanUnblockReads: Bool)
    /// Answers `.send(.createGroups)`: what XGROUP CREATE found on each stream named.
    case groupsPrepared([String: ConsumerCore.GroupSetup])
    /// Answers `.send(.read)` and `.send(.collectReadAhead)`: the entries, in the order read.
    case entriesRead([ConsumerCore.ReadEntry])
    /// Answers `.deliver`: one result per entry, in the order given.
    case sinkAnswered([ConsumerCore.DeliveryResult])
    /// Answers `.send(.deadLetter)`: nil when the dead-letter stream took it, else Redis' refusal.
    case deadLetterWritten(refusal: String?)
    /// Answers `.send(.reclaim)`: entries moved into this consumer's pending list, per stream.
    case reclaimed([String: Int])
    /// XACKs Redis confirmed, the highest id per stream. Comes whenever their replies are read.
    case acknowledged([String: StreamID])
    /// Any Redis command failed (or the connection did).
    case redisFailed(RedisError)
    /// Answers `.schedule(after:)`.
    case timerFired
    /// A stop was asked for; the executor says so instead of running the next step that would
    /// start something new (a connect, a read, a reclaim, a group check, a wait).
    case stopRequested
}

extension ConsumerCore {
    /// One entry as read: what the core needs to decide about it (never its fields).
    public struct ReadEntry: Sendable, Equatable {
        public var ref: DeliveryDecisions.EntryRef
        /// Deleted from the stream while pending: nothing is left to deliver.
        public var trimmed: Bool
        /// Redis' delivery count for it, this read included (1 unless the read asked for counts).
        public var deliveries: Int
        public init(ref: DeliveryDecisions.EntryRef, trimmed: Bool, deliveries: Int = 1) {
            self.ref = ref
            self.trimmed = trimmed
            self.deliveries = deliveries
        }
    }

    /// What became of one entry handed over with `.deliver`.
    public enum DeliveryResult: Sendable, Equatable {
        /// The filter dropped it: handled, as Argo handles it.
        case filtered
        /// The sink's answer.
        case answered(DeliveryOutcome)
        /// The sink never tried it (a sink that keeps order stopped at an earlier failure).
        case untried
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

    public enum ReadMode: Sendable, Equatable {
        /// Entries already delivered to this consumer but not acknowledged, after the given ids;
        /// only the streams listed are read.
        case pending(after: [String: String])
        /// New entries of every stream whose group is ready.
        case new
    }
}
