import StructuredData

/// Decides when one EventSource's status is worth a write: never when nothing changed, at once
/// for a transition, and at most once per `counterInterval` when only counters moved.
public struct StatusWritePolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        /// A phase, condition or generation changed (or nothing was written yet): write now.
        case writeTransition
        /// Only counters changed, and the last write is old enough.
        case writeCounters
        case skip
        /// Only counters changed and the last write was recent: try again after this long.
        case later(Duration)
    }

    public var counterInterval: Duration
    /// What the server holds as far as we know: our last write, or what we observed before it.
    public private(set) var lastWritten: JSONValue?
    private var lastWriteTime: ContinuousClock.Instant?

    public init(counterInterval: Duration = .seconds(10)) {
        self.counterInterval = counterInterval
    }

    public func decide(_ status: JSONValue, now: ContinuousClock.Instant) -> Decision {
        guard let lastWritten else { return .writeTransition }
        if lastWritten == status { return .skip }
        if EventSourceStatus.significantPart(lastWritten) != EventSourceStatus.significantPart(status) {
            return .writeTransition
        }
        guard let lastWriteTime else { return .writeCounters }
        let due = lastWriteTime + counterInterval
        return now >= due ? .writeCounters : .later(now.duration(to: due))
    }

    /// Records a successful write.
    public mutating func wrote(_ status: JSONValue, at time: ContinuousClock.Instant) {
        lastWritten = status
        lastWriteTime = time
    }

    /// What the server holds now, e.g. after a restart or a conflict, so no write repeats it.
    public mutating func observed(_ status: JSONValue?) {
        if lastWritten == nil { lastWritten = status }
    }
}
