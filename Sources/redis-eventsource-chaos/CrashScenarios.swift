import Foundation

/// Processes dying with SIGKILL while entries flow: Redis (with AOF) and the adapter process.
enum CrashScenarios {
    static let redisKill = Scenario(
        name: "redis-sigkill",
        summary: "4,000 entries at 400/s; redis-server (appendfsync always) SIGKILLed twice and restarted"
    ) { session in
        let manifest = try session.singleAdapterManifest()
        let started = Date()
        try session.startRun(manifestPath: manifest, label: "run")
        let producer = StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<4_000, perSecond: 400)
        for _ in 0..<2 {
            usleep(2_500_000)
            session.redis.kill()
            usleep(1_000_000)
            try session.redis.restart()
        }
        let expected = session.expected(producer.join())
        let seconds = session.waitForDelivery(of: expected, seconds: 90, since: started)
        return ScenarioOutcome(expected: expected, deliverySeconds: seconds, notes: ["2 kills"])
    }

    static let adapterKill = Scenario(
        name: "adapter-sigkill",
        summary: "4,000 entries at 400/s; `redis-eventsource run` SIGKILLed 3 times and restarted with the same consumer name"
    ) { session in
        let manifest = try session.singleAdapterManifest()
        let started = Date()
        let run = try session.startRun(manifestPath: manifest, label: "run-0")
        let producer = StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<4_000, perSecond: 400)
        try session.killRepeatedly(run, kills: 3, interval: 2) { round in
            try session.startRun(manifestPath: manifest, label: "run-\(round)")
        }
        let expected = session.expected(producer.join())
        let seconds = session.waitForDelivery(of: expected, seconds: 90, since: started)
        return ScenarioOutcome(expected: expected, deliverySeconds: seconds, notes: ["3 kills"])
    }
}
