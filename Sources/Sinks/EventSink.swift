import Dispatch

/// What a sink said about one event.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth trying again later; `retryAfter` is the receiver's own hint (HTTP Retry-After).
    case retryable(reason: String, retryAfter: Duration? = nil)
    /// The receiver refused this event; retrying the same bytes will not help.
    case rejected(reason: String)
}

/// Delivers events to one destination. A sink belongs to one adapter, which calls it from one
/// thread at a time: an event-loop thread shared by many adapters, so `submit` must not block.
public protocol EventSink: AnyObject {
    /// Hands a batch over without blocking the caller. `completion` runs exactly once, on any
    /// thread (the shared libcurl thread, a libnats thread, or the caller's), so it must be short
    /// and must not block, with one outcome per event in the order given; nil marks an event the
    /// sink did not try (it stays pending and is offered again). A sink may deliver a batch at once (one
    /// write, parallel requests); an event counts as delivered only once it is durably handed
    /// over, since the adapter acknowledges it right after.
    func submit(batch events: [CloudEvent], completion: @escaping @Sendable ([DeliveryOutcome?]) -> Void)
    /// Releases connections; called once when the adapter stops.
    func close()
    /// Whether the sink hands events over in the order given (stdout does). For such a sink a
    /// retryable failure holds back the whole adapter, since later entries must not overtake the
    /// failed one; a sink without order retries the failed event alone and goes on with the rest.
    var keepsOrder: Bool { get }
}

extension EventSink {
    /// Order is the safe assumption for a sink that does not say otherwise.
    public var keepsOrder: Bool { true }

    /// `submit`, waited for on the calling thread: for tests and tools, never on an event loop.
    public func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        deliverWaiting(batch: events)
    }

    public func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        deliverWaiting(batch: [event])[0] ?? .retryable(reason: "not tried")
    }

    /// The blocking wrapper itself, for sinks that add a check of their own around it.
    func deliverWaiting(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        let result = BlockingDeliveryResult()
        submit(batch: events) { outcomes in result.set(outcomes) }
        return result.wait()
    }
}

/// A sink that delivers on the caller's thread, one event (or one write) at a time: test
/// doubles and sinks whose delivery never waits on the network. `submit` runs inline.
public protocol SynchronousEventSink: EventSink {
    func deliver(_ event: CloudEvent) -> DeliveryOutcome
    func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?]
}

extension SynchronousEventSink {
    public func submit(batch events: [CloudEvent], completion: @escaping @Sendable ([DeliveryOutcome?]) -> Void) {
        completion(deliver(batch: events))
    }

    /// One by one, in order; after a retryable failure the rest is not tried, since the
    /// destination is most likely down for them too.
    public func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        deliverInOrder(events)
    }

    /// The default `deliver(batch:)`, for a sink that overrides it but keeps this way in some cases.
    public func deliverInOrder(_ events: [CloudEvent]) -> [DeliveryOutcome?] {
        var outcomes: [DeliveryOutcome?] = []
        outcomes.reserveCapacity(events.count)
        var failing = false
        for event in events {
            guard !failing else {
                outcomes.append(nil)
                continue
            }
            let outcome = deliver(event)
            if case .retryable = outcome { failing = true }
            outcomes.append(outcome)
        }
        return outcomes
    }
}
