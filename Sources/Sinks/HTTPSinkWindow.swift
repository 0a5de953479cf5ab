/// How many requests an `HTTPSink` may have in flight, grown and shrunk with the receiver's
/// answers the way TCP sizes its congestion window (AIMD):
///
/// - an answer (2xx, or a refusal such as 400, which shows the receiver is there) grows the
///   window: by one per answer up to the threshold (slow start), then by about one per window
///   of answers (additive increase);
/// - a retryable failure (503, 429, timeout, refused connection) halves it, and the threshold
///   with it (multiplicative decrease), never below one request, but at most once per round
///   trip: as in TCP's fast recovery, the requests already in flight when the window was cut
///   were sent on the old window's terms, so their failures belong to the same congestion
///   event and do not cut again. Only a request started after the cut can cut again. Without
///   this, the failures of one burst (30 % random 503s over four connections) collapsed the
///   window to one request for each of them;
/// - a receiver that looks down (it never answered yet, or the last `failuresInARowToStop`
///   requests all failed) gets no such grace: every failure halves, as TCP's retransmission
///   timeout collapses the window when a whole window goes unanswered;
/// - a failure while the window is already one request is a failed probe. It stops the batch
///   when the receiver looks down rather than flaky (a run that random 30 % failures rarely make).
///
/// So a mostly healthy receiver keeps most of its window when a few requests fail, and a mostly
/// failing one gets one probe at a time, not one request per connection.
struct HTTPSinkWindow: Sendable, Equatable {
    /// Numbers the requests in the order they start, across batches; see `started()`.
    typealias RequestNumber = UInt64

    let maximum: Int
    /// Fractional, so additive increase can add 1/size per answer.
    private(set) var size: Double = 1
    private var threshold: Double
    private var hasAnswered = false
    private var failuresInARow = 0
    private var nextRequest: RequestNumber = 0
    /// The first request started after the last cut: a failure of an earlier one does not cut.
    private var recoveryPoint: RequestNumber = 0

    static let failuresInARowToStop = 3

    init(maximum: Int) {
        self.maximum = max(1, maximum)
        threshold = Double(self.maximum)
    }

    /// Requests that may be in flight now.
    var limit: Int { min(maximum, max(1, Int(size))) }

    /// Numbers a request as it starts; pass the number to `failed(started:)` if it fails.
    mutating func started() -> RequestNumber {
        defer { nextRequest += 1 }
        return nextRequest
    }

    mutating func answered() {
        hasAnswered = true
        failuresInARow = 0
        size += size < threshold ? 1 : 1 / size
        size = min(size, Double(maximum))
    }

    /// Records the failure of the request numbered `request` (from `started()`); a request not
    /// numbered counts as started now. Returns true when the failure was a failed probe that
    /// should stop the batch.
    mutating func failed(started request: RequestNumber? = nil) -> Bool {
        let wasProbe = limit <= 1
        failuresInARow += 1
        let looksDown = !hasAnswered || failuresInARow >= Self.failuresInARowToStop
        if (request ?? nextRequest) >= recoveryPoint || looksDown {
            threshold = max(1, size / 2)
            size = threshold
            recoveryPoint = nextRequest
        }
        return wasProbe && looksDown
    }
}
