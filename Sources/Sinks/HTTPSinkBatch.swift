/// Which request of one batch goes out next, on which of the sink's transfers, and when to
/// stop: the decisions of `HTTPSink.deliver(batch:)`, apart from libcurl.
///
/// Events start in order, as many at once as the sink's window allows (see `HTTPSinkWindow`),
/// which every answer resizes. A retryable outcome fails only its own event: the rest of the
/// batch goes on in a smaller window. A failed probe that looks like a receiver down rather than
/// flaky (see `HTTPSinkWindow.failed()`) stops further starts: the receiver is most likely
/// failing for the rest too, and a hanging one would cost a timeout each.
struct HTTPSinkBatch {
    /// One per event; nil until its request finished, and for ever for an event never started.
    private(set) var outcomes: [DeliveryOutcome?]
    /// Carried from batch to batch by the sink.
    private(set) var window: HTTPSinkWindow
    private let transferCount: Int
    private var nextEvent = 0
    private var eventInSlot: [Int?]
    /// Each slot's request as the window numbered it, so its failure cuts at most once per round trip.
    private var requestInSlot: [HTTPSinkWindow.RequestNumber]
    private var freeSlots: [Int]
    private var stopped = false

    init(eventCount: Int, transferCount: Int, window: HTTPSinkWindow) {
        outcomes = Array(repeating: nil, count: eventCount)
        self.window = window
        self.transferCount = transferCount
        eventInSlot = Array(repeating: nil, count: transferCount)
        requestInSlot = Array(repeating: 0, count: transferCount)
        freeSlots = Array((0..<transferCount).reversed())
    }

    var inFlightCount: Int { transferCount - freeSlots.count }

    var inFlightSlots: [Int] { eventInSlot.indices.filter { eventInSlot[$0] != nil } }

    /// The next event to post and the transfer to post it on, or nil when none may start now.
    mutating func nextStart() -> (event: Int, slot: Int)? {
        guard !stopped, nextEvent < outcomes.count, inFlightCount < min(window.limit, transferCount),
            let slot = freeSlots.popLast()
        else { return nil }
        let event = nextEvent
        nextEvent += 1
        eventInSlot[slot] = event
        requestInSlot[slot] = window.started()
        return (event, slot)
    }

    /// Records how the request on `slot` ended and frees the slot.
    mutating func finish(slot: Int, outcome: DeliveryOutcome) {
        guard let event = eventInSlot[slot] else { return }
        eventInSlot[slot] = nil
        freeSlots.append(slot)
        outcomes[event] = outcome
        if case .retryable = outcome {
            if window.failed(started: requestInSlot[slot]) { stopped = true }
        } else {
            window.answered()
        }
    }
}
