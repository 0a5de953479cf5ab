/// When each entry the sink failed may be offered again: every entry backs off on its own, so
/// one that keeps failing waits longer and longer while the entries around it go through.
///
/// The schedule starts short and grows gently (10 ms, ×1.5, up to 30 s): it only applies while
/// the sink takes other events, so the failure is most likely the receiver's chance refusal of
/// this one request, and a quick retry is what keeps a batch from waiting on its last entry. The
/// receiver is protected by the sink's request window and, once nothing gets through at all, by
/// the adapter-wide backoff. An entry refused every time still ends up retried every 30 s.
///
/// Kept in memory by the consumer's core (`DeliveryDecisions`). Losing it (a restart) only makes the next replay
/// offer the pending entries at once, as after any restart.
struct DeliveryRetrySchedule: Sendable {
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
    static let earlyOffer = Duration.milliseconds(20)

    static let perEntry = Backoff(initial: .milliseconds(10), maximum: .seconds(30), factor: 1.5)

    private let template: Backoff
    private let refusedTemplate: Backoff
    private var retries: [DeliveryDecisions.EntryRef: Retry] = [:]

    init(backoff: Backoff = Self.perEntry, refused: Backoff = .delivery) {
        template = backoff
        refusedTemplate = refused
    }

    var count: Int { retries.count }

    /// Whether `entry` may be offered to the sink at `now` (or is due within `earlyOffer`).
    func isDue(_ entry: DeliveryDecisions.EntryRef, now: ContinuousClock.Instant) -> Bool {
        guard let retry = retries[entry] else { return true }
        return retry.due <= now + Self.earlyOffer
    }

    /// How long until `entry` is due, zero when it is.
    func wait(for entry: DeliveryDecisions.EntryRef, now: ContinuousClock.Instant) -> Duration {
        guard let retry = retries[entry] else { return .zero }
        return max(.zero, now.duration(to: retry.due))
    }

    /// Records a failed attempt and returns how long the entry now waits. An entry the receiver
    /// refused (4xx) is not a chance failure: it waits as the adapter-wide delivery backoff would.
    mutating func failed(
        _ entry: DeliveryDecisions.EntryRef, retryAfter: Duration?, refused: Bool = false, now: ContinuousClock.Instant
    ) -> Duration {
        if retries.count >= Self.capacity { retries.removeAll() }
                var retry = retries[entry] ?? Retry(backoff: refused ? refusedTemplate : template, due: now)
        var delay = retry.backoff.next()
        if let hint = retryAfter { delay = max(delay, min(hint, Self.maximumRetryAfter)) }
        retry.due = now + delay
        retries[entry] = retry
        return delay
    }

    /// The entry is done with (delivered, dropped or dead-lettered).
    mutating func forget(_ entry: DeliveryDecisions.EntryRef) {
        retries[entry] = nil
    }
}
