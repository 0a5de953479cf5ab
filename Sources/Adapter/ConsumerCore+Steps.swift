import AdapterModel
import EventSourceAPI

/// The core's decisions between batches: where groups start, what follows a group check, a
/// batch or a Redis failure, and when to reclaim, replay or look for missing streams again.
extension ConsumerCore {
    /// Where a group this adapter creates on `stream` starts. After a lost group: where this
    /// adapter last acknowledged (or created the group, if later), so nothing delivered is
    /// replayed and nothing after it skipped; `0` for a stream seen gone (all it holds is new);
    /// else `$`, never `0` on a stream whose history may have been delivered. `startFrom` only
    /// for a stream it never had a group on.
    func startID(for stream: String, _ session: Session) -> String {
        if let known = [session.lastAcknowledged[stream], session.createdAt[stream]].compactMap({ $0 }).max() {
            return known.description
        }
        if session.sawGone.contains(stream) { return "0" }
        if !session.everReady.contains(stream) { return configuration.startFrom.argument }
        return "$"
    }

    public func startID(for stream: String) -> String { state.session.map { startID(for: stream, $0) } ?? configuration.startFrom.argument }

    func startIDs(_ names: [String], _ session: Session) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, startID(for: $0, session)) })
    }

    private func settledPhase(_ session: Session) -> AdapterPhase {
        session.missingStreams.isEmpty ? .consuming : .waitingForStreams
    }

    func decideAfterPreparing(
        _ session: inout Session, _ outcomes: [String: GroupSetup], _ now: ContinuousClock.Instant
    ) -> ([ConsumerAction], Step) {
        var reports: [ConsumerAction] = []
        var newlyReady: Set<String> = []
        for stream in configuration.streams {
            guard let outcome = outcomes[stream] else { continue }
            if case .created(let position?) = outcome { session.createdAt[stream] = position }
            switch outcome {
            case .ready, .created:
                if session.ready.insert(stream).inserted { newlyReady.insert(stream) }
                session.everReady.insert(stream)
                session.sawGone.remove(stream)
            case .missing, .wrongType:
                if outcome == .wrongType { reports.append(.report(.wrongType(stream: stream))) }
                session.ready.remove(stream)
                session.sawGone.insert(stream)
            }
        }
        session.missingStreams = configuration.streams.filter { !session.ready.contains($0) }
        if session.missingStreams != session.reportedMissing {
            session.reportedMissing = session.missingStreams
            reports.append(.report(.streamsMissing(session.missingStreams)))
        }
        guard !session.ready.isEmpty else {
            session.phase = .waitingForStreams
            session.prepareDue = nil
            return (reports, .sleep(session.streamWaitBackoff.next(), then: .prepare(startIDs(session.missingStreams, session))))
        }
        if session.missingStreams.isEmpty {
            session.streamWaitBackoff.reset()
            session.prepareDue = nil
        } else {
            session.prepareDue = now + session.streamWaitBackoff.next()
        }
        // A reconnect does not make a failing sink healthy.
        session.phase = session.delivery.sinkFailing || session.phase == .retrying ? .retrying : settledPhase(session)
        // Look for abandoned entries at once: a replica that died just before we started left them.
        if configuration.reclaimInterval != nil && session.reclaimDue == nil { session.reclaimDue = now }
        let replay = configuration.streams.filter(newlyReady.contains)
        guard !replay.isEmpty else { return (reports, readNew(&session, now)) }
        return (reports, .read(.pending(after: Dictionary(uniqueKeysWithValues: replay.map { ($0, "0") })), block: nil))
    }

    /// What a batch came to, as the step after it needs to know.
    struct BatchResult: Sendable, Equatable {
        var entryCount: Int
        var lastIDs: [String: String]
        /// The sink as a whole is failing (or keeps order and failed): back off and replay.
        var sinkFailed: Bool
        /// Some entries failed on their own and wait on their own schedules.
        var entriesLeftPending: Bool
        var retryAfter: Duration?
        var delivered: Int
        var retryIn: Duration?
        /// Every entry tried had failed before: after the backoff, new entries probe the sink.
        var probeNew: Bool
    }

    func decideAfterBatch(_ session: inout Session, _ mode: ReadMode, _ result: BatchResult, _ now: ContinuousClock.Instant) -> Step {
        session.reconnectBackoff.reset()
        // Only a read of new entries ends a streak of group errors: a replay right after
        // re-creating the groups proves nothing, and resetting there could spin.
        if mode == .new { session.groupTroubles = 0 }
        if result.sinkFailed {
            session.phase = .retrying
            var delay = session.deliveryBackoff.next()
            if let hint = result.retryAfter { delay = max(delay, min(hint, Self.maximumRetryAfter)) }
            if result.probeNew, !session.ready.isEmpty {
                if let wait = result.retryIn {
                    let due = now + wait
                    session.pendingRetryDue = min(session.pendingRetryDue ?? due, due)
                }
                return .sleep(delay, then: .read(.new, block: nil))
            }
            return .sleep(delay, then: .read(replayFromStart(session), block: nil))
        }
        if result.delivered > 0 {
            // The sink takes events: entries that failed retry on their own schedule.
            session.deliveryBackoff.reset()
            session.phase = settledPhase(session)
        }
        if result.entriesLeftPending {
            let due = now + (result.retryIn ?? session.deliveryBackoff.next())
            session.pendingRetryDue = min(session.pendingRetryDue ?? due, due)
        }
        switch mode {
        case .pending(let cursors):
            if result.entryCount == 0 { return readNew(&session, now) }
            var next = cursors
            for (stream, id) in result.lastIDs { next[stream] = id }
            return .read(.pending(after: next), block: nil)
        case .new:
            return readNew(&session, now)
        }
    }

    /// The next read of new entries, or what is due before it: a check for missing streams, a
    /// reclaim, a replay of entries whose retry is due. A blocking read waits no longer than those.
    func readNew(_ session: inout Session, _ now: ContinuousClock.Instant) -> Step {
        var block = session.blockTime
        if let due = session.prepareDue {
            let wait = now.duration(to: due)
            if wait <= .zero {
                session.prepareDue = nil
                return .prepare(startIDs(session.missingStreams, session))
            }
            block = min(block, wait)
        }
        if let due = session.reclaimDue {
            let wait = now.duration(to: due)
            if wait <= .zero { return .reclaim }
            block = min(block, wait)
        }
        if let due = session.pendingRetryDue {
            let wait = now.duration(to: due)
            if wait <= .zero {
                session.pendingRetryDue = nil
                return .read(replayFromStart(session), block: nil)
            }
            return .read(.new, block: min(wait, block))
        }
        // The phase says Retrying until the sink takes an event again, probes included.
        if session.phase == .retrying && !session.delivery.sinkFailing { session.phase = settledPhase(session) }
        return .read(.new, block: block)
    }

    /// A Redis failure at any step that talks to Redis (or on the way to the next step).
    mutating func redisFailed(_ error: RedisError, in current: State, _ now: ContinuousClock.Instant) -> [ConsumerAction] {
        guard var session = current.session else { preconditionFailure("redisFailed(\(error)) in state \(current)") }
        switch current {
        case .connecting, .preparingGroups, .reading, .reclaiming, .deadLettering, .sleeping: break
        case .stopped:
            // On the way out (the last acknowledgements): nothing more to decide.
            state = current
            return [.finish]
        case .idle, .delivering, .failed, .modifying: preconditionFailure("redisFailed(\(error)) in state \(current)")
        }
        var actions: [ConsumerAction] = []
        // Our own close (a stop): no failure to report.
        if error != .cancelled { actions.append(.report(.redisFailed(error))) }
        if error.breaksConnection {
            actions.append(.disconnect)
            session.readAheadInFlight = false
            session.blockTime = configuration.blockTime
        }
        // NOGROUP: the group was destroyed, or the stream deleted (and maybe re-created without
        // it). UNBLOCKED: Redis woke our blocked read because the key was deleted or overwritten.
        // WRONGTYPE: the key holds something else now. The reply does not reliably say which
        // stream, so every group is checked again; intact ones answer BUSYGROUP.
        let step: Step
        if case .server(let code, _) = error, ["NOGROUP", "UNBLOCKED", "WRONGTYPE"].contains(code) {
            session.ready = []
            session.groupTroubles += 1
            let next = Step.prepare(startIDs(configuration.streams, session))
            // Once more right away; if that keeps failing, wait as for a missing stream.
            step = session.groupTroubles > 1 ? .sleep(session.streamWaitBackoff.next(), then: next) : next
        } else {
            session.phase = .connecting
            step = .sleep(session.reconnectBackoff.next(), then: .connect)
        }
        return actions + proceed(session, step, now)
    }
}
