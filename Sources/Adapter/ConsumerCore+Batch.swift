import Sinks

/// The core's decisions within one batch: which entries are offered to the sink, what each
/// outcome means (acknowledge, dead-letter, leave pending), and what the batch came to. Entries
/// are acknowledged only once the sink took them, the filter dropped them, they went to the
/// dead-letter stream, or they were trimmed from under the pending list.
extension ConsumerCore {
    mutating func entriesRead(
        _ entries: [ReadEntry], _ session: inout Session, _ plan: ReadPlan, _ now: ContinuousClock.Instant
    ) -> [ConsumerAction] {
        switch plan {
        case .step(let mode, _):
            return startBatch(entries, mode, then: .decide, &session, now)
        case .readAheadAsStep(let block):
            // An empty read-ahead means the stream is drained: the step's read blocks.
            if entries.isEmpty, block != nil {
                if session.stopping { return proceed(session, .finish, now) }
                return read(&session, .new, block: block, now)
            }
            return startBatch(entries, .new, then: .decide, &session, now)
        case .readAheadBefore(let next, let deliver):
            guard !entries.isEmpty else { return proceed(session, next, now) }
            if deliver { return startBatch(entries, .new, then: .resume(next), &session, now) }
            // Redis assigned them to this consumer: replayed from the pending list, after the
            // entries before them. The read counted a delivery the sink never saw; only real
            // attempts may dead-letter.
            session.pendingRetryDue = now
            let uncount: [ConsumerAction] = deadLettering ? [.send(.uncount(entries))] : []
            return uncount + proceed(session, next, now)
        }
    }

    private mutating func startBatch(
        _ entries: [ReadEntry], _ mode: ReadMode, then: Batch.Then, _ session: inout Session, _ now: ContinuousClock.Instant
    ) -> [ConsumerAction] {
        var batch = Batch(mode: mode, then: then)
        batch.entryCount = entries.count
        var trimmed = 0
        for entry in entries {
            batch.lastIDs[entry.ref.stream] = entry.ref.id
            switch session.delivery.offer(entry.ref, trimmed: entry.trimmed, replayed: mode != .new, now: now) {
            case .acknowledgeTrimmed:
                trimmed += 1
                batch.acknowledge(entry.ref)
            case .wait(let wait):
                batch.leavePending(wait)
                batch.untried.append(entry)
            case .deadLetter(let deliveries, let lastError):
                // Its sink attempts were used up before; only the dead-letter write is repeated.
                batch.untried.append(entry)
                if deadLettering { batch.deadLetters.append(.init(entry: entry, deliveries: deliveries, reason: lastError)) }
            case .offer:
                batch.offered.append(entry)
            }
        }
        var actions: [ConsumerAction] = trimmed > 0 ? [.report(.trimmed(trimmed))] : []
        if mode == .new, then == .decide, !entries.isEmpty, !session.stopping, session.delivery.allowsReadAhead {
            // The next batch travels while this one is delivered; non-blocking, so the XACKs
            // behind it are not held up. Only while the sink takes everything: a failing or
            // never reached sink holds no more than the batch it has.
            session.readAheadInFlight = true
            actions.append(.send(.readAhead(streams: readyStreams(of: session))))
        }
        return actions + continueBatch(&session, batch, now)
    }

    /// The batch's next step: dead-letter writes due, then the sink, then its settlement.
    private mutating func continueBatch(_ session: inout Session, _ batch: consuming Batch, _ now: ContinuousClock.Instant) -> [ConsumerAction] {
        var batch = batch
        if !batch.deadLetters.isEmpty {
            let next = batch.deadLetters.removeFirst()
            batch.writing = next
            state = .deadLettering(session, batch)
            return [.send(.deadLetter(next.entry.ref, deliveries: next.deliveries, reason: next.reason))]
        }
        if !batch.settled {
            guard !batch.offered.isEmpty else { return settle([], outcomes: [], &session, &batch, now) }
            let refs = batch.offered.map(\.ref)
            var actions: [ConsumerAction] = []
            if configuration.mutation == .ackOnDeliver { actions.append(.ack(Self.grouped(refs))) }
            state = .delivering(session, batch)
            return actions + [.deliver(refs)]
        }
        return finishBatch(&session, batch, now)
    }

    mutating func sinkAnswered(
        _ results: [DeliveryResult], _ session: inout Session, _ batch: inout Batch, _ now: ContinuousClock.Instant
    ) -> [ConsumerAction] {
        var submitted: [ReadEntry] = []
        var outcomes: [DeliveryOutcome?] = []
        for (entry, result) in zip(batch.offered, results) {
            switch result {
            case .filtered:
                // Argo acknowledges what its filter drops, and so do we: the entry was handled.
                session.delivery.filtered(entry.ref)
                batch.acknowledge(entry.ref)
            case .answered(let outcome):
                submitted.append(entry)
                outcomes.append(outcome)
            case .untried:
                submitted.append(entry)
                outcomes.append(nil)
            }
        }
        return settle(submitted, outcomes: outcomes, &session, &batch, now)
    }

    private mutating func settle(
        _ submitted: [ReadEntry], outcomes: [DeliveryOutcome?], _ session: inout Session, _ batch: inout Batch,
        _ now: ContinuousClock.Instant
    ) -> [ConsumerAction] {
        let settlement = session.delivery.settle(submitted.map { ($0.ref, $0.deliveries) }, outcomes: outcomes, now: now)
        var actions: [ConsumerAction] = []
        var lastForwarded: String?
        for (index, verdict) in settlement.verdicts.enumerated() {
            let entry = submitted[index]
            let outcome = outcomes[index]
            var pending: (Bool, Duration?) = (false, nil)
            switch verdict {
            case .acknowledge:
                batch.acknowledge(entry.ref)
                if case .delivered? = outcome {
                    batch.forwarded += 1
                    lastForwarded = entry.ref.id
                }
            case .deadLetter(let deliveries, let reason):
                if deadLettering { batch.deadLetters.append(.init(entry: entry, deliveries: deliveries, reason: reason)) }
            case .pending(let wait):
                if outcome == nil { batch.untried.append(entry) } else { pending = (true, wait) }
            }
            switch outcome {
            case .retryable(let reason, _)?:
                actions.append(.report(.sinkFailed(entry.ref, reason: reason, rejected: false, leftPending: pending.0, retryIn: pending.1)))
            case .rejected(let reason)?:
                actions.append(.report(.sinkFailed(entry.ref, reason: reason, rejected: true, leftPending: pending.0, retryIn: pending.1)))
            case .delivered?, nil:
                break
            }
        }
        if let wait = settlement.retryIn { batch.leavePending(wait) }
        if batch.forwarded > 0 {
            actions.append(.report(.forwarded(count: batch.forwarded, lastID: lastForwarded, recovered: settlement.failures == 0)))
        }
        batch.settlement = settlement
        batch.settled = true
        return actions + continueBatch(&session, batch, now)
    }

    mutating func deadLetterWritten(
        _ refusal: String?, _ session: inout Session, _ batch: inout Batch, _ now: ContinuousClock.Instant
    ) -> [ConsumerAction] {
        guard let written = batch.writing else { preconditionFailure("deadLetterWritten with no dead-letter write in flight") }
        batch.writing = nil
        let action: ConsumerAction
        if let refusal {
            // Refused (out of memory, say): it stays pending and is written again when due,
            // neither a lost connection nor one more attempt at the sink.
            let wait = session.delivery.deadLetterFailed(written.entry.ref, deliveries: written.deliveries, lastError: written.reason, now: now)
            batch.leavePending(wait)
            action = .report(.deadLetterFailed(written.entry.ref, refusal: refusal, retryIn: wait))
        } else {
            session.delivery.deadLettered(written.entry.ref)
            batch.acknowledge(written.entry.ref)
            action = .report(.deadLettered(written.entry.ref, deliveries: written.deliveries))
        }
        return [action] + continueBatch(&session, batch, now)
    }

    /// Acknowledges what the batch settled, gives back the delivery counts of entries never
    /// offered, and takes the next step.
    private mutating func finishBatch(_ session: inout Session, _ batch: Batch, _ now: ContinuousClock.Instant) -> [ConsumerAction] {
        var actions: [ConsumerAction] = []
        if !batch.acks.isEmpty {
            actions.append(.ack(batch.acks))
            session.statsStale = true
        }
        if deadLettering && !batch.untried.isEmpty { actions.append(.send(.uncount(batch.untried))) }
        let settlement = batch.settlement
        let result = BatchResult(
            entryCount: batch.lastIDs.isEmpty ? 0 : batch.entryCount, lastIDs: batch.lastIDs, sinkFailed: settlement.sinkFailed,
            entriesLeftPending: batch.retryIn != nil && !settlement.sinkFailed,
            retryAfter: settlement.sinkFailed ? settlement.retryAfter.flatMap { $0 > .zero ? $0 : nil } : nil,
            delivered: batch.forwarded, retryIn: batch.retryIn, probeNew: settlement.probeNew)
        let next: Step
        switch batch.then {
        case .decide:
            session.lastNewBatchWentThrough = batch.mode == .new && !result.sinkFailed && !result.entriesLeftPending
            if session.nextStatsRefresh.map({ now >= $0 }) ?? true {
                session.nextStatsRefresh = now + configuration.statsInterval
                session.statsStale = false
                actions.append(.send(.refreshStats))
            }
            next = decideAfterBatch(&session, batch.mode, result, now)
        case .resume(let step):
            // Whatever the read-ahead left pending is replayed, in order, before anything newer.
            if result.sinkFailed || result.entriesLeftPending { session.pendingRetryDue = now }
            // A failing sink shows at once, whatever step comes next (a sink that keeps order and
            // failed one entry is not failing: the replay after the step will tell).
            if session.delivery.sinkFailing { session.phase = .retrying }
            next = step
        }
        return actions + proceed(session, next, now)
    }

    static func grouped(_ refs: [DeliveryDecisions.EntryRef]) -> [String: [String]] {
        var grouped: [String: [String]] = [:]
        for ref in refs { grouped[ref.stream, default: []].append(ref.id) }
        return grouped
    }
}
