/// Which request of one batch goes out next, on which of the sink's transfers, and when to
/// stop: the decisions of `HTTPSink.deliver(batch:)`, apart from libcurl.
///
/// Events start in order. At most one request is in flight until the receiver has answered
/// (`fanOut`), then one per transfer. A retryable outcome stops any further start, since the
/// receiver is most likely failing for the rest too, and withdraws the fan-out.
struct HTTPSinkBatch {
    /// One per event; nil until its request finished, and for ever for an event never started.
    private(set) var outcomes: [DeliveryOutcome?]
    /// Whether the last answer showed a receiver that takes requests; carried to the next batch.
    private(set) var fanOut: Bool
    private let transferCount: Int
    private var nextEvent = 0
    private var eventInSlot: [Int?]
    private var freeSlots: [Int]
    private var stopped = false

    init(eventCount: Int, transferCount: Int, fanOut: Bool) {
        outcomes = Array(repeating: nil, count: eventCount)
        self.fanOut = fanOut
        self.transferCount = transferCount
        eventInSlot = Array(repeating: nil, count: transferCount)
        freeSlots = Array((0..<transferCount).reversed())
    }

    var inFlightCount: Int { transferCount - freeSlots.count }

    var inFlightSlots: [Int] { eventInSlot.indices.filter { eventInSlot[$0] != nil } }

    /// The next event to post and the transfer to post it on, or nil when none may start now.
    mutating func nextStart() -> (event: Int, slot: Int)? {
        guard !stopped, nextEvent < outcomes.count, inFlightCount < (fanOut ? transferCount : 1),
            let slot = freeSlots.popLast()
        else { return nil }
        let event = nextEvent
        nextEvent += 1
        eventInSlot[slot] = event
        return (event, slot)
    }

    /// Records how the request on `slot` ended and frees the slot.
    mutating func finish(slot: Int, outcome: DeliveryOutcome) {
        guard let event = eventInSlot[slot] else { return }
        eventInSlot[slot] = nil
        freeSlots.append(slot)
        outcomes[event] = outcome
        if case .retryable = outcome {
            stopped = true
            fanOut = false
        } else {
            fanOut = true
        }
    }
}
