import FilterExpression
import Sinks

/// Building, filtering and handing events to the sink, as the core asks with `.deliver`.
extension AdapterWorker {
    /// One result per entry: dropped by the filter, or the sink's answer (or untried).
    func deliver(_ refs: [DeliveryDecisions.EntryRef]) async -> [ConsumerCore.DeliveryResult] {
        var results = [ConsumerCore.DeliveryResult](repeating: .filtered, count: refs.count)
        var events: [CloudEvent] = []
        var positions: [Int] = []
        events.reserveCapacity(refs.count)
        for (index, ref) in refs.enumerated() {
            guard let entry = batchEntries[ref] else { preconditionFailure("delivering \(ref), which was not read") }
            let event = builder.event(for: entry)
            if let filter, !passes(filter, event, entry) { continue }
            events.append(event)
            positions.append(index)
        }
        guard !events.isEmpty else { return results }
        let started = ContinuousClock.now
        let outcomes = await submit(events)
        let perEvent = (ContinuousClock.now - started) / events.count
        for _ in events { metrics.processingDuration.record(duration: perEvent) }
        for (position, outcome) in zip(positions, outcomes) {
            results[position] = outcome.map { .answered($0) } ?? .untried
        }
        return results
    }

    /// Hands the batch to the sink without blocking the loop; the sink answers on any thread.
    private func submit(_ events: [CloudEvent]) async -> [DeliveryOutcome?] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[DeliveryOutcome?], Never>) in
            sink.submit(batch: events) { continuation.resume(returning: $0) }
        }
    }

    /// Evaluates the filter; an evaluation error drops the event, as Argo does, with a log line and a count.
    private func passes(_ filter: FilterProgram, _ event: CloudEvent, _ entry: StreamEntry) -> Bool {
        do {
            if try filter.evaluate(event.filterEnvironment) { return true }
            metrics.filteredOut.increment()
            changeStatus([.filteredOut])
            return false
        } catch {
            metrics.processingFailed.increment()
            changeStatus([.filterFailed(message: "filter failed on \(entry.stream) \(entry.id): \(error)")])
            // A filter over its budget or regex limit tends to fail on every entry: log that once.
            if error.kind == .invalidOperation || loggedFilterLimits.insert(error.kind).inserted {
                let more = error.kind == .invalidOperation ? "" : " (logged once; later ones are only counted)"
                logger.warning("filter failed on \(entry.stream) \(entry.id); dropping the event\(more): \(error)")
            }
            return false
        }
    }
}
