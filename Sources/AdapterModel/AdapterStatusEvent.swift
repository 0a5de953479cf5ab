/// A change to an adapter's status: the only input `AdapterStatus.reduce(_:)` takes. The adapter's
/// own `AdapterEvent`s (reported by its core) become these; so do what the worker, the cluster
/// coordinator and a replacing adapter note around the core.
public enum AdapterStatusEvent: Sendable, Equatable {
    // The phase.
    case phaseChanged(AdapterPhase, missingStreams: [String])
    /// The entry cannot run at all; `reason` stays shown until it is changed or deleted.
    case failed(reason: String)
    /// The worker finished; a failed entry keeps its phase.
    case stopped
    /// A cluster member's worker ended and a new one starts.
    case restarting

    // Why.
    /// The streams still missing (empty: all found, and the error about them is over).
    case streamsMissing([String])
    case error(String)

    // The connection.
    case connectAttempted
    /// A (re)connect reached `server`, which now serves `streams`; a different one than before is a failover.
    case connected(server: String, streams: [String], atMillisecondsSinceEpoch: Int64)
    case disconnected

    // The counts.
    /// The sink took `count` entries; `lastEventTime` is the newest one's; `recovered` when nothing failed.
    case forwarded(count: Int, lastEventTime: Int64?, recovered: Bool)
    /// The sink failed or refused one entry; `message` says so in the status.
    case deliveryFailed(message: String)
    case deadLettered
    case trimmed(Int)
    case reclaimed(Int)
    case filteredOut
    /// The filter failed on an entry, which was dropped.
    case filterFailed(message: String)

    // Whole parts.
    /// The group's pending and lag figures, as XINFO GROUPS answered them.
    case groupFigures(AdapterStatus.GroupFigures)
    /// The counts of the adapter this one replaced, so a restart does not set them back to zero.
    case countsCarriedOver(AdapterStatus.Counters)
    /// A cluster entry's status, merged from its per-slot workers.
    case merged(AdapterStatus)
}
