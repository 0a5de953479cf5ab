import AdapterModel
import EventSourceAPI

/// What the consumer's core asks its executor to do. The executor runs a step's actions in
/// order; only the last one is answered with an input (`ConsumerInput`), the others are
/// written or recorded on the way (an XACK goes out with the next command, a report updates the
/// status). Any Redis failure on the way is answered with `.redisFailed` instead.
public enum ConsumerAction: Sendable, Equatable {
    /// Drop any connection and open a new one. Answered by `.connected` or `.redisFailed`.
    case connect
    /// The connection is broken: forget it and everything in flight on it.
    case disconnect
    case send(ConsumerCommand)
    /// Build, filter and hand these entries to the sink. Answered by `.sinkAnswered`.
    case deliver([DeliveryDecisions.EntryRef])
    /// XACK these ids (per stream, in order), written with the next command; confirmed later
    /// by `.acknowledged`.
    case ack([String: [String]])
    /// Wait; answered by `.timerFired`, or `.stopRequested` if a stop comes first.
    case schedule(after: Duration)
    case report(AdapterEvent)
    /// This entry cannot run: show it `Failed` with the reason and end.
    case fail(reason: String)
    /// Stopped: confirm the acknowledgements written, close the connection and the sink.
    case finish
}

extension ConsumerAction {
    /// The adapter's last action.
    var ends: Bool {
        switch self {
        case .finish, .fail: true
        default: false
        }
    }
}

/// The Redis commands the core asks for.
public enum ConsumerCommand: Sendable, Equatable {
    /// XGROUP CREATE on each listed stream at its id (MKSTREAM unless the entry opted out).
    case createGroups([String: String])
    /// XREADGROUP on `streams`; `block` nil is a non-blocking read. With `countDeliveries`, the
    /// replayed entries' delivery counts are asked as well (XPENDING).
    case read(ConsumerCore.ReadMode, streams: [String], block: Duration?, countDeliveries: Bool)
    /// A non-blocking read of new entries, written now and answered only when collected: the
    /// next batch travels while this one is delivered.
    case readAhead(streams: [String])
    /// The read-ahead's reply. Answered by `.entriesRead`.
    case collectReadAhead(countDeliveries: Bool)
    /// Put back the delivery counts of entries read but never offered to the sink (XCLAIM …
    /// RETRYCOUNT), so only real attempts count towards dead-lettering.
    case uncount([ConsumerCore.ReadEntry])
    /// XADD a used-up entry to the dead-letter stream. Answered by `.deadLetterWritten`, or
    /// `.redisFailed` if the connection failed.
    case deadLetter(DeliveryDecisions.EntryRef, deliveries: Int, reason: String)
    /// Move other consumers' abandoned entries into this consumer's pending list. Answered by `.reclaimed`.
    case reclaim(streams: [String])
    /// Ask the group's pending and lag figures (XINFO GROUPS) for the status.
    case refreshStats
}

/// What the core reports about itself, for the status, the metrics and the log.
public enum AdapterEvent: Sendable, Equatable {
    case phaseChanged(AdapterPhase, missingStreams: [String])
    /// The streams still missing changed (empty: all found).
    case streamsMissing([String])
    /// The key holds something other than a stream.
    case wrongType(stream: String)
    case redisFailed(RedisError)
    /// The sink took `count` entries; `lastID` is the newest; `recovered` when nothing failed.
    case forwarded(count: Int, lastID: String?, recovered: Bool)
    /// The sink failed or refused one entry.
    /// `leftPending`: it waits, on its own schedule (`retryIn`) or the adapter-wide backoff (nil).
    case sinkFailed(DeliveryDecisions.EntryRef, reason: String, rejected: Bool, leftPending: Bool, retryIn: Duration?)
    case deadLettered(DeliveryDecisions.EntryRef, deliveries: Int)
    case deadLetterFailed(DeliveryDecisions.EntryRef, refusal: String, retryIn: Duration)
    /// Pending entries trimmed from the stream before delivery, acknowledged.
    case trimmed(Int)
    case reclaimed([String: Int])
}
