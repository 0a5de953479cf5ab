/// What a sink said about one event.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth trying again later; `retryAfter` is the receiver's own hint (HTTP Retry-After).
    case retryable(reason: String, retryAfter: Duration? = nil)
    /// The receiver refused this event; retrying the same bytes will not help.
    case rejected(reason: String)
}

/// Delivers events to one destination. A sink belongs to one adapter and is only called from
/// that adapter's own thread, so it may block (libcurl, write(2)) and keep unsynchronised state.
public protocol EventSink: AnyObject {
    func deliver(_ event: CloudEvent) -> DeliveryOutcome
    /// Releases connections; called once when the adapter stops.
    func close()
}
