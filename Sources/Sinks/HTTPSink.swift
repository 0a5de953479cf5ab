import CCurl
import EventSourceAPI

/// Posts events to an HTTP(S) receiver, per the CloudEvents HTTP binding, with up to
/// `options.connections` requests in flight over as many keep-alive connections (libcurl's
/// multi interface; its connection cache keeps them open between batches).
///
/// The events of one batch are posted in order but answered in any order, so they may arrive
/// out of order (`keepsOrder` is false); each gets its own outcome. How many requests are in
/// flight follows the receiver's answers like TCP's congestion window (`HTTPSinkWindow`): a
/// retryable outcome (receiver busy or timing out) halves the window and fails only its own
/// event, so a receiver that refuses a few requests keeps its pace. Once the window is down to
/// one request, a failure of that probe stops the batch: the rest is reported as not tried, and
/// only the requests already in flight finish. So a down receiver costs one failed request per
/// attempt, not one per connection or per event.
///
/// Blocks the calling thread (in poll(2), see `CurlMultiSockets`) for up to
/// `options.requestTimeout` per request, so it belongs on the owning adapter's dedicated
/// thread, never on Swift's cooperative pool. Redirects are not followed: a 3xx rejects the
/// event rather than sending it somewhere the spec did not name.
public final class HTTPSink: EventSink {
    public let url: String
    public let mode: SinkSpec.Mode
    public let options: HTTPSinkOptions

    private var multi: CurlMulti?
    /// One per connection; a transfer not in `inFlight` is free.
    private var transfers: [HTTPSinkTransfer] = []
    /// Why the sink cannot send at all (unusable URL, libcurl setup); reported on every
    /// delivery as retryable, so no entry is dropped because of a configuration mistake.
    private var setupProblem: String?
    /// Starts at one request, carried from batch to batch.
    private var window: HTTPSinkWindow

    public init(url: String, mode: SinkSpec.Mode = .binary, options: HTTPSinkOptions = HTTPSinkOptions()) {
        self.url = url
        self.mode = mode
        self.options = options
        window = HTTPSinkWindow(maximum: options.connections)
        if let problem = Self.problem(withURL: url) {
            setupProblem = "sink URL '\(url)' is unusable: \(problem)"
            return
        }
        let connections = max(1, options.connections)
        do {
            multi = try CurlMulti(maxConnections: connections)
            for _ in 0..<connections { transfers.append(try HTTPSinkTransfer(url: url, mode: mode, options: options)) }
        } catch {
            multi = nil
            transfers = []
            setupProblem = "could not prepare an HTTP client for \(url): \(error)"
        }
    }

    /// Why `url` cannot be posted to, or nil. Only http and https are accepted.
    public static func problem(withURL url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "only http:// and https:// URLs are supported"
        }
        return CurlEasyHandle.problem(withURL: url)
    }

    public var keepsOrder: Bool { false }

    /// Requests the sink would have in flight now (see `HTTPSinkWindow`).
    public var requestWindow: Int { window.limit }

    public func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        deliver(batch: [event])[0] ?? .retryable(reason: "POST to \(url) was not attempted")
    }

    public func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        var outcomes = [DeliveryOutcome?](repeating: nil, count: events.count)
        guard !events.isEmpty else { return outcomes }
        if let setupProblem {
            outcomes[0] = .retryable(reason: setupProblem)
            return outcomes
        }
        guard let multi else {
            outcomes[0] = .retryable(reason: "the HTTP sink for \(url) is closed")
            return outcomes
        }
        var run = HTTPSinkBatch(eventCount: events.count, transferCount: transfers.count, window: window)
        do {
            while true {
                while let (event, slot) = run.nextStart() {
                    do {
                        try transfers[slot].prepare(events[event])
                        try multi.add(transfers[slot].easy)
                    } catch {
                        run.finish(slot: slot, outcome: .retryable(reason: "could not start a POST to \(url): \(error)"))
                    }
                }
                guard run.inFlightCount > 0 else { break }
                try multi.drive(waitingAtMost: .seconds(1))
                while let (easy, result) = multi.nextFinished() {
                    guard let slot = transfers.firstIndex(where: { $0.easy.handle == easy }) else { continue }
                    multi.remove(transfers[slot].easy)
                    run.finish(slot: slot, outcome: transfers[slot].outcome(result))
                }
            }
        } catch {
            for slot in run.inFlightSlots {
                multi.remove(transfers[slot].easy)
                run.finish(slot: slot, outcome: .retryable(reason: "POST to \(url) failed: libcurl \(error)"))
            }
        }
        window = run.window
        return run.outcomes
    }

    public func close() {
        multi = nil
        transfers = []
    }
}
