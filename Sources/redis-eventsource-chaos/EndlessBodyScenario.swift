import Foundation

/// A 200 whose body never ends: issue 19 found the 30 s request timeout overriding the 2xx that
/// already arrived, so the event was sent again and again and the entries behind it never moved.
enum EndlessBodyScenario {
    static let entries = 20

    static let scenario = Scenario(
        name: "endless-2xx-body",
        summary: "\(entries) entries; the receiver answers the first with 200 and a body that never ends (16 KiB every 5 ms), the rest with 200"
    ) { session in
        let manifest = try session.singleAdapterManifest()
        let expected = session.expected(
            StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<entries, perSecond: 50_000).join())
        guard let endless = expected.first else { throw ChaosError.setup("the producer added nothing") }
        let ledger = session.receiver.ledger
        ledger.setReaction(.endlessBody, forID: endless.eventID)
        let started = Date()
        try session.startRun(manifestPath: manifest, label: "run")
        let seconds = session.waitForDelivery(of: expected, seconds: 90, since: started)
        // The adapter's per-entry retry starts after 10 ms: a few seconds more shows any re-send.
        usleep(3_000_000)
        let sends = ledger.requests(forID: endless.eventID)
        let accepted = ledger.accepted
        let behind = expected.dropFirst().filter { accepted[$0.eventID] != nil }.count
        let pending = session.pendingIDs().count
        var outcome = ScenarioOutcome(expected: expected, deliverySeconds: seconds)
        outcome.check(
            DeliveryRule.twoHundredIsDelivered,
            held: sends == 1 && behind == entries - 1 && seconds < RefusingSinkScenarios.requestTimeout && pending == 0,
            observed: "the endless-body event was sent \(sends) time(s); \(behind) of the \(entries - 1) behind it delivered; "
                + "all delivered \(Seconds.text(seconds)) after the start (request timeout 30 s); \(pending) left pending")
        return outcome
    }
}
