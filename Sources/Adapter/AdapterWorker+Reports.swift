import AdapterModel
import EventSourceAPI

/// What the core reports, written into the status, the metrics and the log.
extension AdapterWorker {
    /// Folds a step's events into the status in one update, then counts and logs them.
    func apply(_ events: [AdapterEvent]) {
        let deadLetterStream = deadLetter?.stream ?? ""
        let (before, _) = changeStatus(events.compactMap { $0.statusEvent(deadLetterStream: deadLetterStream) })
        for event in events { record(event, phaseBefore: before.phase) }
    }

    /// The metrics and log lines an event makes.
    private func record(_ event: AdapterEvent, phaseBefore: AdapterPhase) {
        switch event {
        case .phaseChanged(let phase, _):
            if phase == .consuming && phaseBefore != .consuming {
                logger.info("consuming", metadata: ["consumer": "\(configuration.consumerName)"])
            }
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

extension AdapterEvent {
    /// What the event changes in the status, if anything.
    func statusEvent(deadLetterStream: String) -> AdapterStatusEvent? {
        switch self {
        case .phaseChanged(let phase, let missing):
            return .phaseChanged(phase, missingStreams: missing)
        case .streamsMissing(let missing):
            return .streamsMissing(missing)
        case .wrongType(let stream):
            return .error("\(stream) holds something other than a stream (WRONGTYPE); waiting for it to be a stream")
        case .redisFailed(let error):
            return .error(error.description)
        case .forwarded(let count, let lastID, let recovered):
            let lastTime = lastID.flatMap(StreamID.init).map { Int64(clamping: $0.milliseconds) }
            return .forwarded(count: count, lastEventTime: lastTime, recovered: recovered)
        case .sinkFailed(_, let reason, let rejected, _, _):
            return .deliveryFailed(message: rejected ? "sink rejected an event: \(reason)" : "delivery failed, will retry: \(reason)")
        case .deadLettered:
            return .deadLettered
        case .deadLetterFailed(let ref, let refusal, _):
            return .error("could not write \(ref) to the dead-letter stream \(deadLetterStream), it stays pending: \(refusal)")
        case .trimmed(let count):
            return .trimmed(count)
        case .reclaimed(let claimed):
            return .reclaimed(claimed.values.reduce(0, +))
        }
    }
}
