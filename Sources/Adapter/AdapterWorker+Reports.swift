import AdapterModel
import EventSourceAPI

/// What the core reports, written into the status, the metrics and the log.
extension AdapterWorker {
    /// Folds a step's events into the status in one update, then counts and logs them.
    func apply(_ events: [AdapterEvent]) {
        let phaseBefore = status.update { current -> AdapterPhase in
            let before = current.phase
            for event in events { Self.fold(event, into: &current, deadLetterStream: deadLetter?.stream ?? "") }
            return before
        }
        for event in events { record(event, phaseBefore: phaseBefore) }
    }

    /// What an event changes in the status.
    static func fold(_ event: AdapterEvent, into status: inout AdapterStatus, deadLetterStream: String) {
        switch event {
        case .phaseChanged(let phase, let missing):
            status.phase = phase
            status.missingStreams = missing
        case .streamsMissing(let missing):
            if missing.isEmpty { status.lastError = nil }
        case .wrongType(let stream):
            status.lastError = "\(stream) holds something other than a stream (WRONGTYPE); waiting for it to be a stream"
        case .redisFailed(let error):
            status.lastError = error.description
        case .forwarded(let count, let lastID, let recovered):
            status.forwarded += Int64(count)
            if let lastTime = lastID.flatMap(StreamID.init).map({ Int64(clamping: $0.milliseconds) }) { status.lastEventTime = lastTime }
            // The entry delivers again: an old error no longer describes it.
            if recovered { status.lastError = nil }
        case .sinkFailed(_, let reason, let rejected, _, _):
            status.failed += 1
            status.lastError = rejected ? "sink rejected an event: \(reason)" : "delivery failed, will retry: \(reason)"
        case .deadLettered:
            status.deadLettered += 1
        case .deadLetterFailed(let ref, let refusal, _):
            status.lastError = "could not write \(ref) to the dead-letter stream \(deadLetterStream), it stays pending: \(refusal)"
        case .trimmed(let count):
            status.trimmed += Int64(count)
        case .reclaimed(let claimed):
            status.reclaimed += Int64(claimed.values.reduce(0, +))
        }
    }

    /// The metrics and log lines an event makes.
    private func record(_ event: AdapterEvent, phaseBefore: AdapterPhase) {
        switch event {
        case .phaseChanged(let phase, _):
            if phase == .consuming && phaseBefore != .consuming {
                logger.info("consuming", metadata: ["consumer": "\(configuration.consumerName)"])
            }
            onPhaseChange?()
        case .streamsMissing(let missing):
            if !missing.isEmpty { logger.info("waiting for streams: \(missing.joined(separator: ", "))") }
        case .wrongType:
            break
        case .redisFailed(let error):
            logger.warning("\(error)")
        case .forwarded(let count, _, _):
            metrics.sent.increment(by: Int64(count))
        case .sinkFailed(let ref, let reason, _, let leftPending, let retryIn):
            if leftPending {
                let how = retryIn.map { "will retry it alone in \($0)" } ?? "the sink is failing, backing off"
                logger.warning("delivery of \(ref) failed, \(how): \(reason)")
            }
            metrics.sendFailed.increment()
        case .deadLettered(let ref, let deliveries):
            metrics.deadLettered.increment()
            logger.warning("dead-lettered \(ref) to \(deadLetter?.stream ?? "") after \(deliveries) failed deliveries")
        case .deadLetterFailed(let ref, let refusal, let retryIn):
            logger.warning(
                "could not write \(ref) to the dead-letter stream \(deadLetter?.stream ?? ""), it stays pending: \(refusal); trying again in \(retryIn)")
        case .trimmed(let count):
            // Nothing is left to deliver, so they are acknowledged, and counted rather than logged one line each.
            metrics.trimmed.increment(by: Int64(count))
            logger.warning("\(count) pending entries were trimmed from the stream before delivery; acknowledging them")
        case .reclaimed(let claimed):
            for (stream, count) in claimed.sorted(by: { $0.key < $1.key }) {
                logger.info("reclaimed \(count) abandoned entries of \(stream)")
            }
            metrics.reclaimed.increment(by: Int64(claimed.values.reduce(0, +)))
        }
    }
}
