/// When each entry the sink failed may be offered again: every entry backs off on its own, so
/// one that keeps failing waits longer and longer while the entries around it go through.
///
/// Kept in memory by the adapter's thread. Losing it (a restart) only makes the next replay
/// offer the pending entries at once, as after any restart.
struct DeliveryRetrySchedule {
    private struct Retry {
        var backoff: Backoff
        var due: ContinuousClock.Instant
    }

    /// A receiver's Retry-After is honoured up to this, so a bogus hint cannot park an entry for days.
    static let maximumRetryAfter = Duration.seconds(300)
    /// Beyond this many entries waiting, the oldest schedule would be of little use; the set is
    /// cleared instead, which only makes the next replay offer them all at once.
    static let capacity = 100_000

    /// A replay also offers entries due this soon, so retries falling close together share one
    /// replay instead of each causing its own.
    static let earlyOffer = Duration.milliseconds(100)

    private let template: Backoff
    private var retries: [String: Retry] = [:]

    init(backoff: Backoff = .delivery) {
        template = backoff
    }

    var count: Int { retries.count }

    /// Whether `entry` may be offered to the sink at `now` (or is due within `earlyOffer`).
    func isDue(_ entry: StreamEntry, now: ContinuousClock.Instant) -> Bool {
        guard let retry = retries[Self.key(entry)] else { return true }
        return retry.due <= now + Self.earlyOffer
    }

    /// How long until `entry` is due, zero when it is.
    func wait(for entry: StreamEntry, now: ContinuousClock.Instant) -> Duration {
        guard let retry = retries[Self.key(entry)] else { return .zero }
        return max(.zero, now.duration(to: retry.due))
    }

    /// Records a failed attempt and returns how long the entry now waits.
    mutating func failed(_ entry: StreamEntry, retryAfter: Duration?, now: ContinuousClock.Instant) -> Duration {
        if retries.count >= Self.capacity { retries.removeAll() }
        let key = Self.key(entry)
        var retry = retries[key] ?? Retry(backoff: template, due: now)
        var delay = retry.backoff.next()
        if let hint = retryAfter { delay = max(delay, min(hint, Self.maximumRetryAfter)) }
        retry.due = now + delay
        retries[key] = retry
        return delay
    }

    /// The entry is done with (delivered, dropped or dead-lettered).
    mutating func forget(_ entry: StreamEntry) {
        retries[Self.key(entry)] = nil
    }

    private static func key(_ entry: StreamEntry) -> String { entry.stream + " " + entry.id }
}
