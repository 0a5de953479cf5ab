import Sinks

/// The delivery half of the consumer's decisions, free of I/O: which entries of a batch are
/// offered to the sink, and what each outcome means — acknowledge, dead-letter, or leave pending
/// and when to offer it again — and whether the sink as a whole is failing. The executor
/// (`AdapterWorker`) reads, submits, writes XACK and dead letters as told, and reports back.
///
/// The rules (issue 19, from a chaos run against real servers):
/// - An entry is poison only when it fails while the sink takes others. When the sink takes
///   nothing (it never took an event, or many different entries failed for the first time since
///   it last took one, or a batch of several did) it is failing: the adapter holds, backs off and
///   replays, and never dead-letters, whatever the failures were (refusals, redirects, timeouts,
///   limits). Entries that failed before and fail again say nothing new about the sink: they
///   wait on their own schedules, and new entries are read, so a few poison entries never stall
///   the stream (one batch of new entries per backoff probes a failing sink).
/// - A failure of one entry while the sink takes others (a 413, a payload over NATS' limit)
///   leaves that entry pending on its own backoff, or dead-letters it once it used up its
///   deliveries; the rest flow on.
/// - A dead-letter write that fails keeps the entry pending; the next time it is due it goes
///   straight to the dead-letter stream, not to the sink again, so its count stays honest.
/// Time comes in as an argument.
public struct DeliveryDecisions: Sendable {
    public struct EntryRef: Hashable, Sendable, CustomStringConvertible {
        public var stream: String
        public var id: String
        public init(stream: String, id: String) {
            self.stream = stream
            self.id = id
        }
        public var description: String { "\(stream) \(id)" }
    }

    /// What to do with one entry of a batch just read, before the sink sees anything.
    public enum Offer: Sendable, Equatable {
        /// Hand it to the sink (after the filter).
        case offer
        /// Its own backoff has not run out: not offered, so not an attempt.
        case wait(Duration)
        /// Trimmed from the stream while pending: nothing is left to deliver; acknowledge it.
        case acknowledgeTrimmed
        /// Its deliveries were used up and the dead-letter write failed last time: write it again.
        case deadLetter(deliveries: Int, lastError: String)
    }

    /// What one offered entry's outcome comes to.
    public enum Verdict: Sendable, Equatable {
        case acknowledge
        case deadLetter(deliveries: Int, reason: String)
        /// Stays pending; due again after `retryIn`, or with the adapter-wide replay when nil.
        case pending(retryIn: Duration?)
    }

    public struct Settlement: Sendable, Equatable {
        /// One verdict per offered entry, in the order offered.
        public var verdicts: [Verdict] = []
        public var delivered = 0
        /// Entries the sink failed or refused in this batch.
        public var failures = 0
        /// The sink as a whole is failing (or keeps order and failed): hold, back off, replay.
        public var sinkFailed = false
        public var retryAfter: Duration?
        /// Held back, but after the backoff read new entries rather than replay (see `settle`).
        public var probeNew = false
        /// When the earliest entry left pending on its own schedule is due.
        public var retryIn: Duration?
        public var entriesLeftPending: Bool { retryIn != nil }
    }

    /// Which outcomes may be acknowledged. Only `.deliveredOnly` is correct; the others exist so
    /// the simulation can show it catches a broken ack rule (seeded mutations).
    enum AckRule: Sendable {
        case deliveredOnly
        /// Mutation: a retryable failure is acknowledged as if delivered.
        case alsoRetryable
        /// Mutation: an exhausted entry is dead-lettered whatever the sink's health (the rule
        /// that emptied a stream into the dead-letter stream behind a misconfigured sink).
        case deadLetterWhileSinkFails
    }

    /// What the outcomes so far say about the sink as a whole.
    public enum SinkHealth: Sendable, Equatable {
        /// It never took an event: every failure is the sink's, not an entry's.
        case unknown
        /// It takes events: a failure is the entry's own.
        case taking
        /// It takes nothing: hold, back off, never dead-letter, until it takes an event again.
        case failing
    }

    /// Different entries failing for the first time since the sink last took one, beyond which
    /// the sink is failing: random 30 % failures make such a run about once in 15,000 events.
    static let freshFailuresForSinkFailing = 8
    /// A batch in which this many entries failed for the first time and none went through is the
    /// sink failing, not the entries: a hang or a refusal shows within one request timeout.
    static let wholeBatchFailureSize = 4

    let keepsOrder: Bool
    let maxDeliveries: Int?
    let ackRule: AckRule
    private var retries: DeliveryRetrySchedule
    public private(set) var health = SinkHealth.unknown
    /// Entries that failed at least once and are not done with: a repeat failure of one of them
    /// is no news about the sink (it may be poison), only a first failure is.
    private var failedBefore: Set<EntryRef> = []
    private var freshFailuresSinceDelivery = 0
    /// Entries whose dead-letter write failed, with their delivery count and last error.
    private var deadLetterDue: [EntryRef: DeadLetterDue] = [:]

    private struct DeadLetterDue: Sendable {
        var deliveries: Int
        var lastError: String
    }

    init(keepsOrder: Bool, maxDeliveries: Int?, retries: DeliveryRetrySchedule, ackRule: AckRule = .deliveredOnly) {
        self.keepsOrder = keepsOrder
        self.maxDeliveries = maxDeliveries
        self.retries = retries
        self.ackRule = ackRule
    }

    public init(keepsOrder: Bool, maxDeliveries: Int?) {
        self.init(keepsOrder: keepsOrder, maxDeliveries: maxDeliveries, retries: DeliveryRetrySchedule())
    }

    public var sinkFailing: Bool { health == .failing }

    /// A read-ahead batch may travel only while the sink takes everything: a failing or never
    /// reached sink holds no more than the batch it has.
    public var allowsReadAhead: Bool { health == .taking && freshFailuresSinceDelivery == 0 }

    public mutating func offer(_ entry: EntryRef, trimmed: Bool, replayed: Bool, now: ContinuousClock.Instant) -> Offer {
        if trimmed {
            forget(entry)
            return .acknowledgeTrimmed
        }
        if let due = deadLetterDue[entry] {
            guard retries.isDue(entry, now: now) else { return .wait(retries.wait(for: entry, now: now)) }
            return .deadLetter(deliveries: due.deliveries, lastError: due.lastError)
        }
        if replayed, !retries.isDue(entry, now: now) { return .wait(retries.wait(for: entry, now: now)) }
        return .offer
    }

    /// The filter dropped it: handled, as Argo handles it.
    public mutating func filtered(_ entry: EntryRef) { forget(entry) }

    /// Judges one batch's outcomes. `deliveries` is the entry's delivery count in Redis (only
    /// asked for when dead-lettering is on; 1 otherwise).
    public mutating func settle(
        _ offered: [(entry: EntryRef, deliveries: Int)], outcomes: [DeliveryOutcome?], now: ContinuousClock.Instant
    ) -> Settlement {
        var settlement = Settlement()
        var freshFailures = 0
        var retryableHere = false
        for ((entry, _), outcome) in zip(offered, outcomes) {
            switch outcome {
            case .delivered?:
                settlement.delivered += 1
            case .retryable(_, let hint)?:
                settlement.failures += 1
                retryableHere = true
                if let hint { settlement.retryAfter = max(settlement.retryAfter ?? .zero, hint) }
                if noteFailure(entry) { freshFailures += 1 }
            case .rejected?:
                settlement.failures += 1
                if noteFailure(entry) { freshFailures += 1 }
            case nil:
                break
            }
        }
        if settlement.delivered > 0 {
            health = .taking
            freshFailuresSinceDelivery = freshFailures
        } else if freshFailures > 0 {
            freshFailuresSinceDelivery += freshFailures
            if health == .unknown || freshFailuresSinceDelivery >= Self.freshFailuresForSinkFailing
                || freshFailures >= Self.wholeBatchFailureSize
            {
                health = .failing
            }
        }
        // A failing sink holds the adapter back; so does a sink that keeps order, since later
        // entries must not overtake one that failed.
        let attempted = settlement.delivered + settlement.failures
        let holdsBack = (health == .failing && attempted > 0) || (keepsOrder && retryableHere)
        settlement.sinkFailed = holdsBack
        // Every entry tried was refused, and each had been before: no news about the sink. They
        // may all be poison (a 413, a payload over the limit), so after the backoff new entries
        // probe it while these wait on their own schedules. Retryable failures (down, timing out)
        // are the sink's: no probe, the adapter holds no more than the batch it has.
        settlement.probeNew =
            holdsBack && health == .failing && freshFailures == 0 && !retryableHere && !outcomes.contains { $0 == nil }
        let scheduleEach = !holdsBack || settlement.probeNew
        for ((entry, deliveries), outcome) in zip(offered, outcomes) {
            settlement.verdicts.append(verdict(entry, deliveries, outcome, scheduleEach: scheduleEach, now: now, &settlement))
        }
        if scheduleEach, outcomes.contains(where: { $0 == nil }) {
            // Untried entries with no backoff of their own: offer them again at once.
            settlement.retryIn = min(settlement.retryIn ?? .zero, .zero)
        }
        if !holdsBack { settlement.retryAfter = nil }
        return settlement
    }

    private mutating func verdict(
        _ entry: EntryRef, _ deliveries: Int, _ outcome: DeliveryOutcome?, scheduleEach: Bool, now: ContinuousClock.Instant,
        _ settlement: inout Settlement
    ) -> Verdict {
        switch outcome {
        case .delivered?:
            forget(entry)
            return .acknowledge
        case nil:
            return .pending(retryIn: scheduleEach ? .zero : nil)
        case .retryable(let reason, let hint)?:
            if ackRule == .alsoRetryable {
                forget(entry)
                return .acknowledge
            }
            if let dead = deadLetterIfExhausted(entry, deliveries, reason) { return dead }
            if !scheduleEach {
                // The adapter-wide backoff replays it with the entries behind it.
                retries.forget(entry)
                return .pending(retryIn: nil)
            }
            let wait = retries.failed(entry, retryAfter: hint, now: now)
            settlement.retryIn = min(settlement.retryIn ?? wait, wait)
            return .pending(retryIn: wait)
        case .rejected(let reason)?:
            if let dead = deadLetterIfExhausted(entry, deliveries, reason) { return dead }
            if !scheduleEach {
                retries.forget(entry)
                return .pending(retryIn: nil)
            }
            // Refused, not a chance failure: it waits as the adapter-wide backoff would.
            let wait = retries.failed(entry, retryAfter: nil, refused: true, now: now)
            settlement.retryIn = min(settlement.retryIn ?? wait, wait)
            return .pending(retryIn: wait)
        }
    }

    /// Poison: it used up its deliveries while the sink takes others.
    private mutating func deadLetterIfExhausted(_ entry: EntryRef, _ deliveries: Int, _ reason: String) -> Verdict? {
        guard let maxDeliveries, deliveries >= maxDeliveries, health == .taking || ackRule == .deadLetterWhileSinkFails else {
            return nil
        }
        return .deadLetter(deliveries: deliveries, reason: reason)
    }

    /// The dead-letter stream took it; acknowledge it.
    public mutating func deadLettered(_ entry: EntryRef) { forget(entry) }

    /// The dead-letter write failed (Redis out of memory, say): it stays pending and is written
    /// again when due, without another attempt at the sink. Returns how long it waits.
    public mutating func deadLetterFailed(_ entry: EntryRef, deliveries: Int, lastError: String, now: ContinuousClock.Instant) -> Duration {
        deadLetterDue[entry] = DeadLetterDue(deliveries: deliveries, lastError: lastError)
        return retries.failed(entry, retryAfter: nil, refused: true, now: now)
    }

    private mutating func forget(_ entry: EntryRef) {
        retries.forget(entry)
        deadLetterDue[entry] = nil
        failedBefore.remove(entry)
    }

    /// Records a failure; true when it is the entry's first.
    private mutating func noteFailure(_ entry: EntryRef) -> Bool {
        if failedBefore.count >= DeliveryRetrySchedule.capacity { failedBefore.removeAll() }
        return failedBefore.insert(entry).inserted
    }
}
