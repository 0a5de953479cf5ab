import EventSourceAPI

/// `--watch`: which kinds the controller acts on. Each value names the API resources it is spelled
/// after, so the flag reads as the RBAC it needs.
public enum WatchedKinds: String, Sendable, CaseIterable {
    /// Argo's `eventsources.argoproj.io` only: the controller in Argo's place, for `redisStream`.
    case eventSources = "eventsources"
    /// Our `redisstreamsources.redis-eventsource.io` only: beside a cluster-wide Argo, never
    /// reading, patching or writing an `argoproj.io` EventSource, and needing no RBAC on one.
    case redisStreamSources = "redisstreamsources"
    case both

    /// The CLI's default: the mode that can never take an object another controller owns. A new
    /// install in a cluster where Argo's controller runs cluster-wide (its default install) then
    /// leaves every EventSource to Argo; acting on EventSources is a deliberate choice.
    public static let safeDefault = WatchedKinds.redisStreamSources

    public var kinds: Set<SourceKind> {
        switch self {
        case .eventSources: return [.eventSource]
        case .redisStreamSources: return [.redisStreamSource]
        case .both: return [.eventSource, .redisStreamSource]
        }
    }
}
