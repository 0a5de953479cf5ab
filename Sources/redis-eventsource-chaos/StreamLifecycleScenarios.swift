import Foundation

/// Streams that appear after the adapter started, and streams deleted and created again.
enum StreamLifecycleScenarios {
    static let lateStream = Scenario(
        name: "late-stream",
        summary: "the adapter starts before its stream exists; 1,000 entries are added 3 s later (no group made by hand)"
    ) { session in
        let manifest = try session.singleAdapterManifest(stream: "LATE", createGroup: false)
        let started = Date()
        try session.startRun(manifestPath: manifest, label: "run")
        usleep(3_000_000)
        let expected = session.expected(
            StreamProducer(address: session.redis.address, stream: "LATE", sequences: 0..<1_000, perSecond: 1_000).join(),
            eventSource: "chaos", event: "example")
        let seconds = session.waitForDelivery(of: expected, seconds: 45, since: started)
        return ScenarioOutcome(expected: expected, deliverySeconds: seconds)
    }

    static let recreatedStream = Scenario(
        name: "recreated-stream",
        summary: "500 entries delivered, then the stream is deleted (DEL) and 500 more are added to a new stream of the same name"
    ) { session in
        let manifest = try session.singleAdapterManifest()
        let started = Date()
        try session.startRun(manifestPath: manifest, label: "run")
        let first = session.expected(
            StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<500, perSecond: 1_000).join(),
            eventSource: "chaos", event: "example")
        _ = session.waitForDelivery(of: first, seconds: 45, since: started)
        session.redisCommand("DEL", "S")
        let second = session.expected(
            StreamProducer(address: session.redis.address, stream: "S", sequences: 500..<1_000, perSecond: 1_000).join(),
            eventSource: "chaos", event: "example")
        let seconds = session.waitForDelivery(of: first + second, seconds: 45, since: started)
        return ScenarioOutcome(expected: first + second, deliverySeconds: seconds)
    }
}
