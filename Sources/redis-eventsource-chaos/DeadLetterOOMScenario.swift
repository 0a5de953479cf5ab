import Foundation

/// Redis out of memory (maxmemory 1, noeviction) just as an entry is due for the dead-letter
/// stream: issue 19 found the failed XADD taken for a lost connection (reconnect loops,
/// "Connecting") and one attempt at the sink beyond maxDeliveries.
enum DeadLetterOOMScenario {
    static let entries = 50
    static let poisonIndex = 10
    static let maxDeliveries = 3

    static let scenario = Scenario(
        name: "dead-letter-oom",
        summary: "\(entries) entries, deadLetterStream S-dead with maxDeliveries \(maxDeliveries); the receiver answers entry \(poisonIndex) "
            + "503 after 1 s, the rest 200; Redis set to maxmemory 1 (noeviction) at its first attempt, so the dead-letter XADD "
            + "fails; lifted after 15 s"
    ) { session in
        let manifest = try session.singleAdapterManifest(deadLetterStream: "S-dead", maxDeliveries: maxDeliveries)
        let produced = session.expected(
            StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<entries, perSecond: 50_000).join())
        guard produced.count > poisonIndex else { throw ChaosError.setup("the producer added too few entries") }
        let poison = produced[poisonIndex]
        let others = produced.filter { $0 != poison }
        let ledger = session.receiver.ledger
        // Slow refusals leave a second between attempts, time enough to fill Redis up first.
        ledger.setReaction(.slowUnavailable(milliseconds: 1_000), forID: poison.eventID)
        let started = Date()
        let (_, probe) = try session.startRunWithHealth(manifestPath: manifest, label: "run")
        var outcome = ScenarioOutcome(expected: others, deliverySeconds: nil)

        guard Poll.until(seconds: 60, interval: 0.005, { ledger.requests(forID: poison.eventID) > 0 }) else {
            throw ChaosError.setup("the poison entry never reached the sink")
        }
        session.redisCommand("CONFIG", "SET", "maxmemory-policy", "noeviction")
        session.redisCommand("CONFIG", "SET", "maxmemory", "1")

        // 15 s out of memory, looking at the phase and the connection gauge all along.
        var phases: Set<String> = []
        var disconnected = false
        let oomStarted = Date()
        while Date().timeIntervalSince(oomStarted) < 15 {
            if let phase = probe.phase() { phases.insert(phase) }
            if probe.connected() == 0 { disconnected = true }
            usleep(200_000)
        }
        let attempts = ledger.requests(forID: poison.eventID)
        let stillPending = session.pendingIDs().contains(poison.entryID)
        let deadLetteredDuringOOM = session.length(of: "S-dead")
        let accepted = ledger.accepted
        let othersDelivered = others.filter { accepted[$0.eventID] != nil }.count
        outcome.check(
            DeliveryRule.deadLetterWriteFailure,
            held: attempts == maxDeliveries && stillPending && deadLetteredDuringOOM == 0 && !phases.contains("Connecting")
                && !disconnected,
            observed: "\(attempts) attempts at the sink (maxDeliveries \(maxDeliveries)); entry \(stillPending ? "still pending" : "NOT pending"); "
                + "\(deadLetteredDuringOOM) in S-dead; phases seen \(phases.sorted().joined(separator: ", ")); "
                + (disconnected ? "redis_eventsource_connected fell to 0" : "redis_eventsource_connected stayed 1"))

        // Memory back: the entry goes to the dead-letter stream, with no further attempt at the sink.
        session.redisCommand("CONFIG", "SET", "maxmemory", "0")
        let moved = Poll.until(seconds: 60, interval: 0.1) {
            session.length(of: "S-dead") == 1 && !session.pendingIDs().contains(poison.entryID)
        }
        outcome.deliverySeconds = session.waitForDelivery(of: others, seconds: 60, since: started)
        let attemptsInAll = ledger.requests(forID: poison.eventID)
        outcome.check(
            DeliveryRule.poisonOnlyWhileOthersFlow,
            held: moved && attemptsInAll == maxDeliveries && othersDelivered == others.count,
            observed: "\(othersDelivered) of the \(others.count) others delivered while it failed; "
                + (moved ? "dead-lettered once memory was back" : "NOT dead-lettered 60 s after memory was back")
                + ", \(attemptsInAll) attempts at the sink in all")
        outcome.notes.append("entry \(poisonIndex) is expected in S-dead, not at the sink; the table counts the other \(others.count)")
        return outcome
    }
}
