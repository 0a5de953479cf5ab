/// What a reconcile asks of the queue once it succeeded, as controller-runtime's `Result`:
/// nothing, or to be looked at again after a while (a status write that has to wait, counters
/// that keep moving while adapters run).
public struct ReconcileResult: Sendable, Equatable {
    /// Run this key again after this long; nil: only when something changes.
    public var requeueAfter: Duration?

    public init(requeueAfter: Duration? = nil) {
        self.requeueAfter = requeueAfter
    }

    public static let done = ReconcileResult()

    public static func again(after delay: Duration) -> ReconcileResult { ReconcileResult(requeueAfter: delay) }

    /// Both asks in one: the sooner of the two delays.
    public func merged(with other: ReconcileResult) -> ReconcileResult {
        switch (requeueAfter, other.requeueAfter) {
        case (nil, _): return other
        case (_, nil): return self
        case (let mine?, let theirs?): return .again(after: min(mine, theirs))
        }
    }
}
