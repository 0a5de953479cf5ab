import Foundation

/// The operator path: kube-testserver, kubectl, the controller; the controller killed, and the
/// API server failing and throttling requests and cutting watches.
enum ControllerScenarios {
    static let controllerKill = Scenario(
        name: "controller-sigkill",
        summary: "`redis-eventsource controller` delivering 3,000 entries at 300/s, SIGKILLed twice and restarted"
    ) { session in
        let kube = try KubeScene(session: session)
        try kube.apply(file: try session.singleAdapterManifest())
        let started = Date()
        let controller = try kube.startController(label: "controller-0")
        let producer = StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<3_000, perSecond: 300)
        try session.killRepeatedly(controller, kills: 2, interval: 3) { round in
            try kube.startController(label: "controller-\(round)")
        }
        let expected = session.expected(producer.join())
        let seconds = session.waitForDelivery(of: expected, seconds: 90, since: started)
        return ScenarioOutcome(expected: expected, deliverySeconds: seconds, notes: ["2 kills"])
    }

    static let apiFaults = Scenario(
        name: "api-faults",
        summary: "the API server fails 20% of requests with 500, throttles 10% with 429, adds 50 ms and ends every watch after 2 s; "
            + "a second EventSource is applied mid-run"
    ) { session in
        let kube = try KubeScene(session: session)
        session.createGroup(stream: "S")
        session.createGroup(stream: "T")
        try kube.setFaults(#"{"errorFraction": 0.2, "throttleFraction": 0.1, "retryAfterSeconds": 1, "latencyMilliseconds": 50, "closeWatchesAfterSeconds": 2}"#)
        try kube.apply(file: try session.writeFile("es.yaml", session.manifest(name: "chaos", entries: [.init(event: "example", streams: ["S"])])))
        let started = Date()
        try kube.startController(label: "controller")
        let first = StreamProducer(address: session.redis.address, stream: "S", sequences: 0..<2_000, perSecond: 400)
        usleep(2_000_000)
        try kube.apply(file: try session.writeFile("es2.yaml", session.manifest(name: "chaos-two", entries: [.init(event: "example", streams: ["T"])])))
        let second = StreamProducer(address: session.redis.address, stream: "T", sequences: 0..<1_000, perSecond: 400)
        let expected = session.expected(first.join())
            + session.expected(second.join(), eventSource: "chaos-two", event: "example")
        let seconds = session.waitForDelivery(of: expected, seconds: 90, since: started)
        return ScenarioOutcome(expected: expected, deliverySeconds: seconds)
    }
}
