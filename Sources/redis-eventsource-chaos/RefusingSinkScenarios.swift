import Foundation

/// Sinks that refuse every event (a redirect loop, a wrong URL answering 404), with and without
/// dead-lettering: issue 19 found them reported healthy, hammered at ~1,000 requests/s, and with
/// dead-lettering on the whole stream moved to the dead-letter stream within 5 s.
enum RefusingSinkScenarios {
    enum Refusal {
        case redirectLoop
        case notFound

        var name: String {
            switch self {
            case .redirectLoop: return "redirect-loop"
            case .notFound: return "refuse-all"
            }
        }

        var reaction: ReceiverReaction {
            switch self {
            case .redirectLoop: return .redirectLoop
            case .notFound: return .refuse(status: 404)
            }
        }

        var described: String {
            switch self {
            case .redirectLoop: return "answers every request 302 back to itself (a redirect loop)"
            case .notFound: return "answers every request 404 (a wrong URL)"
            }
        }
    }

    static let entries = 300
    /// Requests a second, over the 20 s after the phase turned, that still count as holding back:
    /// issue 19 saw about 1,000 a second.
    static let heldRate = 5.0
    /// HTTPSinkOptions' default request timeout, which `run` uses.
    static let requestTimeout = 30.0

    static func scenario(_ refusal: Refusal, deadLettering: Bool) -> Scenario {
        Scenario(
            name: refusal.name + (deadLettering ? "-dead-letter" : ""),
            summary: "\(entries) entries; the sink \(refusal.described) for about 20 s after the phase turns, then answers 200"
                + (deadLettering ? "; dead-lettering on (deadLetterStream S-dead, maxDeliveries 1)" : "; no dead-lettering")
        ) { session in
            let deadLetter = deadLettering ? "S-dead" : nil
            let manifest = try session.singleAdapterManifest(deadLetterStream: deadLetter, maxDeliveries: deadLettering ? 1 : nil)
            let expected = session.expected(
                StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<entries, perSecond: 50_000).join())
            let ledger = session.receiver.ledger
            ledger.setReaction(refusal.reaction)
            let started = Date()
            let (_, probe) = try session.startRunWithHealth(manifestPath: manifest, label: "run")
            var outcome = ScenarioOutcome(expected: expected, deliverySeconds: nil)

            // The clock for "within one request timeout" starts at the first refused request.
            Poll.until(seconds: 60, interval: 0.01) { ledger.requests > 0 }
            let firstRequest = Date()
            var phase: String?
            let turned = Poll.until(seconds: requestTimeout + 30, interval: 0.1) {
                phase = probe.phase()
                return phase == "Retrying"
            }
            let phaseSeconds = Date().timeIntervalSince(firstRequest)
            let ready = probe.ready()
            outcome.check(
                DeliveryRule.failingPhaseInTime, held: turned && phaseSeconds <= requestTimeout && ready == false,
                observed: turned
                    ? "Retrying \(Seconds.text(phaseSeconds)) after the first refused request; readyz \(ready == false ? "not ready" : "ready")"
                    : "phase still \(phase ?? "unknown") \(Int(phaseSeconds)) s after the first refused request")

            // Holding: 20 s of requests, in bursts (a retry round sends up to a batch at once); the
            // gaps between bursts must grow, and nothing be acknowledged or dead-lettered.
            let windowStart = ledger.now
            usleep(20_000_000)
            let times = ledger.requestTimes(from: windowStart, to: windowStart + 20)
            let bursts = RequestBursts(times: times)
            let rate = Double(times.count) / 20
            let acknowledged = session.acknowledgedCount() ?? -1
            let deadLettered = deadLetter.map { session.length(of: $0) } ?? 0
            let phaseAfter = probe.phase() ?? "unknown"
            var observed = String(format: "%.1f requests/s", rate)
                + " over the 20 s once failing, in \(bursts.count) bursts, gaps \(bursts.gapsText); \(acknowledged) acknowledged; phase \(phaseAfter)"
            if let deadLetter { observed += "; \(deadLettered) in \(deadLetter)" }
            outcome.check(
                DeliveryRule.refuseAllHolds,
                held: rate <= heldRate && bursts.gapsGrow && acknowledged == 0 && deadLettered == 0 && phaseAfter == "Retrying",
                observed: observed)

            // Healed: everything must still arrive, nothing dead-lettered on the way.
            ledger.setReaction(.accept)
            let healed = Date()
            outcome.deliverySeconds = session.waitForDelivery(of: expected, seconds: 120, since: started)
            let drained = Date().timeIntervalSince(healed)
            let deadLetteredInAll = deadLetter.map { session.length(of: $0) } ?? 0
            outcome.notes.append(
                "sink healed after \(Seconds.text(healed.timeIntervalSince(started))), then \(Seconds.text(drained)) until every entry arrived (or the deadline)"
                    + (deadLetter.map { "; \(deadLetteredInAll) in \($0) in all" } ?? ""))
            return outcome
        }
    }
}
