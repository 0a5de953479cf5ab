import CCurl
import CurlCore
import EventSourceAPI
import Synchronization

/// The part of an `HTTPSink` that lives on `CurlTransferLoop`'s thread: its transfers (one per
/// connection), the window carried from batch to batch, and the batch in flight, run by
/// `HTTPSinkBatch` as each answer comes back. Batches handed over while one runs wait their turn.
///
/// `HTTPSink` reaches it only through `CurlTransferLoop.execute`.
/// @unchecked Sendable: the compiler cannot see that its easy handles and window stay on the curl loop thread.
final class HTTPSinkClient: @unchecked Sendable {
    typealias Completion = @Sendable ([DeliveryOutcome?]) -> Void

    private struct Running {
        var batch: HTTPSinkBatch
        let events: [CloudEvent]
        let completion: Completion
    }

    let url: String
    private let loop: CurlTransferLoop
    /// One per connection; a transfer whose slot is not in flight is free.
    private var transfers: [HTTPSinkTransfer]
    /// Why the sink cannot send at all; reported on every delivery as retryable, so no entry is
    /// dropped because of a configuration mistake.
    private let setupProblem: String?
    private var window: HTTPSinkWindow
    private var running: Running?
    private var waiting: [(events: [CloudEvent], completion: Completion)] = []
    private var closed = false
    /// The window after the last batch, for `HTTPSink.requestWindow` on other threads.
    let publishedWindow: Atomic<Int>

    init(url: String, transfers: [HTTPSinkTransfer], setupProblem: String?, window: HTTPSinkWindow, loop: CurlTransferLoop) {
        self.url = url
        self.transfers = transfers
        self.setupProblem = setupProblem
        self.window = window
        self.loop = loop
        publishedWindow = Atomic(window.limit)
    }

    /// Keeps the sink's connections in the loop's cache between batches, as many as it has transfers.
    func open() {
        loop.reserveConnections(transfers.count)
    }

    func submit(_ events: [CloudEvent], completion: @escaping Completion) {
        guard running == nil else {
            waiting.append((events, completion))
            return
        }
        var refusal: String?
        if let setupProblem {
            refusal = setupProblem
        } else if closed {
            refusal = "the HTTP sink for \(url) is closed"
        }
        if events.isEmpty || refusal != nil {
            var outcomes = [DeliveryOutcome?](repeating: nil, count: events.count)
            if let refusal, !events.isEmpty { outcomes[0] = .retryable(reason: refusal) }
            completion(outcomes)
            return
        }
        running = Running(
            batch: HTTPSinkBatch(eventCount: events.count, transferCount: transfers.count, window: window),
            events: events, completion: completion)
        startAndComplete()
    }

    /// Starts what the window allows; once nothing is in flight the batch is over.
    private func startAndComplete() {
        guard var current = running else { return }
        while !closed, let (event, slot) = current.batch.nextStart() {
            do {
                try transfers[slot].prepare(current.events[event])
                try loop.start(transfers[slot].easy) { [self] result in finished(slot: slot, result: result) }
            } catch {
                current.batch.finish(slot: slot, outcome: .retryable(reason: "could not start a POST to \(url): \(error)"))
            }
        }
        running = current
        guard current.batch.inFlightCount == 0 else { return }
        running = nil
        window = current.batch.window
        publishedWindow.store(window.limit, ordering: .relaxed)
        current.completion(current.batch.outcomes)
        if !waiting.isEmpty {
            let next = waiting.removeFirst()
            submit(next.events, completion: next.completion)
        }
    }

    private func finished(slot: Int, result: CURLcode) {
        let outcome: DeliveryOutcome =
            result == CURLE_ABORTED_BY_CALLBACK && closed
            ? .retryable(reason: "POST to \(url) abandoned: the sink closed") : transfers[slot].outcome(result)
        running?.batch.finish(slot: slot, outcome: outcome)
        startAndComplete()
    }

    /// Abandons the requests in flight (their events come back retryable, the rest not tried)
    /// and refuses what comes later.
    func close() {
        guard !closed else { return }
        closed = true
        loop.reserveConnections(-transfers.count)
        if let current = running {
            for slot in current.batch.inFlightSlots { loop.cancel(transfers[slot].easy) }
        }
        while !waiting.isEmpty {
            let next = waiting.removeFirst()
            submit(next.events, completion: next.completion)
        }
    }
}
