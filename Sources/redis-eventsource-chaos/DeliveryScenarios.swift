import Foundation

/// A healthy sink, a sink that fails some requests at random, and one that is down for a while.
enum DeliveryScenarios {
    static let baseline = Scenario(
        name: "baseline", summary: "4,000 entries already in the stream, healthy sink; the reference throughput"
    ) { session in
        let outcome = try drain(session, entries: 4_000, failureFraction: 0, deadline: 90)
        if let seconds = outcome.deliverySeconds, seconds > 0 {
            session.context.healthyThroughput = Double(outcome.expected.count) / seconds
        }
        return outcome
    }

    static func randomFailures(_ fraction: Double) -> Scenario {
        let percent = Int((fraction * 100).rounded())
        return Scenario(
            name: "sink-random-\(percent)",
            summary: "2,000 entries, the sink answers \(percent)% of requests (drawn at random) with 503"
        ) { session in
            var outcome = try drain(session, entries: 2_000, failureFraction: fraction, deadline: 60)
            let requests = session.receiver.ledger.requests
            let refused = session.receiver.ledger.refused
            outcome.notes.append("\(refused) of \(requests) requests answered 503")
            if let healthy = session.context.healthyThroughput, let seconds = outcome.deliverySeconds, seconds > 0 {
                let delivered = Double(Set(session.receiver.ledger.accepted.keys).count)
                let ratio = delivered / seconds / healthy
                let target = (1 - fraction) * 0.5
                outcome.notes.append(
                    String(format: "%.0f%% of healthy throughput (target %.0f%%)", ratio * 100, target * 100))
            }
            return outcome
        }
    }

    static let sinkOutage = Scenario(
        name: "sink-outage", summary: "3,000 entries at 500/s; the sink answers every request with 503 for 6 s of it"
    ) { session in
        let manifest = try session.singleAdapterManifest()
        let started = Date()
        try session.startRun(manifestPath: manifest, label: "run")
        let producer = StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<3_000, perSecond: 500)
        usleep(1_000_000)
        session.receiver.ledger.setOutage(true)
        usleep(6_000_000)
        session.receiver.ledger.setOutage(false)
        let expected = session.expected(producer.join())
        let seconds = session.waitForDelivery(of: expected, seconds: 90, since: started)
        return ScenarioOutcome(expected: expected, deliverySeconds: seconds)
    }

    /// Fills the stream first, then times the product from its start until the last event arrived.
    static func drain(_ session: ScenarioSession, entries: Int, failureFraction: Double, deadline: Double) throws -> ScenarioOutcome {
        let manifest = try session.singleAdapterManifest()
        let produced = StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<entries, perSecond: 50_000).join()
        let expected = session.expected(produced)
        session.receiver.ledger.setFailureFraction(failureFraction)
        let started = Date()
        try session.startRun(manifestPath: manifest, label: "run")
        let seconds = session.waitForDelivery(of: expected, seconds: deadline, since: started)
        return ScenarioOutcome(expected: expected, deliverySeconds: seconds)
    }
}
