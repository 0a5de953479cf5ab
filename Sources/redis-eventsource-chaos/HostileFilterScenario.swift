import Foundation

/// A filter with a catastrophically backtracking regular expression meets the input that
/// triggers it, in one process with a well-behaved adapter beside it.
enum HostileFilterScenario {
    static let hostileInput = String(repeating: "a", count: 30) + "!"

    static let scenario = Scenario(
        name: "hostile-filter",
        summary: "entry `hostile` filters with `values.x matches \"^(a+)+$\"` and gets 30 a's and a `!` among 99 benign entries; "
            + "entry `plain` beside it in the same process gets 1,000 entries; then SIGTERM"
    ) { session in
        session.createGroup(stream: "H")
        session.createGroup(stream: "P")
        let manifest = try session.writeFile(
            "es.yaml",
            session.manifest(
                name: "chaos",
                entries: [
                    .init(event: "hostile", streams: ["H"], filter: #"values.x matches "^(a+)+$""#),
                    .init(event: "plain", streams: ["P"]),
                ]))
        let started = Date()
        let run = try session.startRun(manifestPath: manifest, label: "run")
        let hostile = StreamProducer(address: session.redis.address, stream: "H", sequences: 0..<100, perSecond: 200) { sequence in
            [("x", sequence == 50 ? hostileInput : "aaa")]
        }
        let plain = StreamProducer(address: session.redis.address, stream: "P", sequences: 0..<1_000, perSecond: 200)
        // Entry 50 is rejected by the filter (it does not match), so it must not arrive.
        let hostileExpected = session.expected(hostile.join().filter { $0.id != "\(StreamProducer.baseMilliseconds + 50)-1" },
            eventSource: "chaos", event: "hostile")
        let plainExpected = session.expected(plain.join(), eventSource: "chaos", event: "plain")
        let seconds = session.waitForDelivery(of: hostileExpected + plainExpected, seconds: 30, since: started)
        var notes: [String] = []
        let accepted = session.receiver.ledger.accepted
        let plainDelivered = plainExpected.filter { accepted[$0.eventID] != nil }.count
        let hostileDelivered = hostileExpected.filter { accepted[$0.eventID] != nil }.count
        notes.append("plain delivered \(plainDelivered)/\(plainExpected.count), hostile delivered \(hostileDelivered)/\(hostileExpected.count)")
        if let exit = run.stop(grace: 10) {
            notes.append(String(format: "exited %.1f s after SIGTERM", exit))
        } else {
            notes.append("still running 10 s after SIGTERM; SIGKILLed")
        }
        return ScenarioOutcome(expected: hostileExpected + plainExpected, deliverySeconds: seconds, notes: notes)
    }
}
