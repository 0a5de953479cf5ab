import Foundation

/// One entry bigger than NATS' max_payload (1 MB by default) ahead of 200 ordinary ones, on the
/// JetStream sink: issue 19 found it taken for a retryable failure, so the adapter backed off as
/// if NATS were down and the 200 behind it never moved.
enum OversizedJetStreamScenario {
    static let behind = 200
    static let oversizedBytes = 2 * 1024 * 1024
    static let maxDeliveries = 3

    static func scenario(deadLettering: Bool) -> Scenario {
        Scenario(
            name: "jetstream-oversized" + (deadLettering ? "-dead-letter" : ""),
            summary: "a 2 MiB entry, then \(behind) small ones, to the JetStream sink (nats-server -js, max_payload 1 MB)"
                + (deadLettering ? "; deadLetterStream S-dead with maxDeliveries \(maxDeliveries)" : "; no dead-lettering (the default)")
        ) { session in
            let nats = try ChaosNats(folder: session.folder)
            defer { nats.stop() }
            let deadLetter = deadLettering ? "S-dead" : nil
            let manifest = try session.singleAdapterManifest(deadLetterStream: deadLetter, maxDeliveries: deadLettering ? maxDeliveries : nil)
            let produced = session.expected(
                StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<(behind + 1), perSecond: 50_000) { sequence in
                    [("n", sequence == 0 ? String(repeating: "x", count: oversizedBytes) : String(sequence))]
                }.join())
            guard let oversized = produced.first else { throw ChaosError.setup("the producer added nothing") }
            let others = Array(produced.dropFirst())
            let started = Date()
            let (_, probe) = try session.startRunWithHealth(manifestPath: manifest, label: "run", sink: nats.url)

            var inStream: [String: Int] = [:]
            let othersIDs = Set(others.map(\.eventID))
            Poll.until(seconds: 90, interval: 0.5) {
                inStream = nats.eventIDs()
                return othersIDs.isSubset(of: inStream.keys)
            }
            let seconds = Date().timeIntervalSince(started)
            if deadLetter != nil { Poll.until(seconds: 30, interval: 0.2) { session.length(of: "S-dead") == 1 } }
            // A few seconds more, so a late publish of the oversized entry would show.
            usleep(3_000_000)
            inStream = nats.eventIDs()
            let flowed = others.filter { inStream[$0.eventID] != nil }.count
            let pending = session.pendingIDs()
            let deadLettered = deadLetter.map { session.length(of: $0) } ?? 0
            let phase = probe.phase() ?? "unknown"
            let oversizedPlace =
                pending.contains(oversized.entryID) ? "pending" : deadLettered == 1 ? "dead-lettered" : "neither pending nor dead-lettered"
            let placeHeld = deadLettering ? oversizedPlace == "dead-lettered" : oversizedPlace == "pending"
            var outcome = ScenarioOutcome(expected: others, deliverySeconds: seconds, acceptedBySink: inStream)
            outcome.check(
                DeliveryRule.perEntryRejection,
                held: placeHeld && flowed == others.count && inStream[oversized.eventID] == nil && phase == "Consuming",
                observed: "the 2 MiB entry is \(oversizedPlace); \(flowed) of the \(others.count) behind it in the stream "
                    + "\(Seconds.text(seconds)) after the start; \(pending.count) pending; phase \(phase)")
            outcome.notes.append("the 2 MiB entry is expected \(deadLettering ? "in S-dead" : "pending"), not in the stream; the table counts the other \(others.count)")
            return outcome
        }
    }
}
