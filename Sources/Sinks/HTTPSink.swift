import CurlCore
import EventSourceAPI

/// Posts events to an HTTP(S) receiver, per the CloudEvents HTTP binding, with up to
/// `options.connections` requests in flight over as many keep-alive connections.
///
/// The events of one batch are posted in order but answered in any order, so they may arrive
/// out of order (`keepsOrder` is false); each gets its own outcome. How many requests are in
/// flight follows the receiver's answers like TCP's congestion window (`HTTPSinkWindow`): a
/// retryable outcome (receiver busy or timing out) halves the window, at most once per round
/// trip as TCP does, and fails only its own event, so a receiver that refuses a few requests keeps its pace. Once the window is down to
/// one request, a failure of that probe stops the batch: the rest is reported as not tried, and
/// only the requests already in flight finish. So a down receiver costs one failed request per
/// attempt, not one per connection or per event.
///
/// Never blocks its caller: `submit` hands the batch to its runtime's one libcurl thread
/// (`CurlTransferLoop`), where `HTTPSinkClient` runs it and calls the completion. Redirects are
/// not followed: a 3xx rejects the event rather than sending it somewhere the spec did not name.
public final class HTTPSink: EventSink {
    public let url: String
    public let mode: SinkSpec.Mode
    public let options: HTTPSinkOptions
    private let client: HTTPSinkClient
    private let loop: CurlTransferLoop

    /// - Parameter loop: the `SinkRuntime`'s libcurl loop; tests and tools may leave the shared one.
    public init(
        url: String, mode: SinkSpec.Mode = .binary, options: HTTPSinkOptions = HTTPSinkOptions(), loop: CurlTransferLoop = .shared
    ) {
        self.url = url
        self.mode = mode
        self.options = options
        self.loop = loop
        var transfers: [HTTPSinkTransfer] = []
        var setupProblem: String?
        if let problem = SinkSpec.problem(withURI: url, expecting: .http) {
            setupProblem = "sink URL '\(url)' is unusable: \(problem)"
        } else {
            do {
                for _ in 0..<max(1, options.connections) {
                    transfers.append(try HTTPSinkTransfer(url: url, mode: mode, options: options))
                }
            } catch {
                transfers = []
                setupProblem = "could not prepare an HTTP client for \(url): \(error)"
            }
        }
        client = HTTPSinkClient(
            url: url, transfers: transfers, setupProblem: setupProblem, window: HTTPSinkWindow(maximum: options.connections),
            loop: loop)
        let client = self.client
        loop.execute { client.open() }
    }

    public var keepsOrder: Bool { false }

    /// Requests the sink would have in flight now (see `HTTPSinkWindow`), as of the last batch.
    public var requestWindow: Int { client.publishedWindow.load(ordering: .relaxed) }

    public func submit(batch events: [CloudEvent], completion: @escaping @Sendable ([DeliveryOutcome?]) -> Void) {
        let client = self.client
        loop.execute { client.submit(events, completion: completion) }
    }

    /// Blocks until the batch is done; for tests and tools, never on the transfer loop itself.
    public func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        precondition(!loop.isCurrent, "HTTPSink.deliver(batch:) would wait for its own thread")
        return deliverWaiting(batch: events)
    }

    public func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        deliver(batch: [event])[0] ?? .retryable(reason: "POST to \(url) was not attempted")
    }

    public func close() {
        let client = self.client
        loop.execute { client.close() }
    }

    /// A sink dropped without `close` still stops its requests.
    deinit { close() }
}
