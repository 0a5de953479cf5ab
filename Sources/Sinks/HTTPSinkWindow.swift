/// How many requests an `HTTPSink` may have in flight, grown and shrunk with the receiver's
/// answers the way TCP sizes its congestion window (AIMD):
///
/// - an answer (2xx, or a refusal such as 400, which shows the receiver is there) grows the
///   window: by one per answer up to the threshold (slow start), then by about one per window
///   of answers (additive increase);
/// - a retryable failure (503, 429, timeout, refused connection) halves it, and the threshold
///   with it (multiplicative decrease), never below one request;
/// - a failure while the window is already one request is a failed probe. It stops the batch
///   when the receiver looks down rather than flaky: it never answered yet, or the last
///   `failuresInARowToStop` requests all failed (a run that random 30 % failures rarely make).
///
/// So a mostly healthy receiver keeps most of its window when a few requests fail, and a mostly
/// failing one gets one probe at a time, not one request per connection.
struct HTTPSinkWindow: Sendable, Equatable {
    let maximum: Int
    /// Fractional, so additive increase can add 1/size per answer.
    private(set) var size: Double = 1
    private var threshold: Double
    private var hasAnswered = false
    private var failuresInARow = 0

    static let failuresInARowToStop = 3

    init(maximum: Int) {
        self.maximum = max(1, maximum)
        threshold = Double(self.maximum)
    }

    /// Requests that may be in flight now.
    var limit: Int { min(maximum, max(1, Int(size))) }

    mutating func answered() {
        hasAnswered = true
        failuresInARow = 0
        size += size < threshold ? 1 : 1 / size
        size = min(size, Double(maximum))
    }

    /// Returns true when the failure was a failed probe that should stop the batch.
    mutating func failed() -> Bool {
        let wasProbe = limit <= 1
        failuresInARow += 1
        threshold = max(1, size / 2)
        size = threshold
        return wasProbe && (!hasAnswered || failuresInARow >= Self.failuresInARowToStop)
    }
}
