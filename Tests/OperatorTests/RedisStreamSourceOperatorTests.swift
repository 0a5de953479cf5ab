import Foundation
import StructuredData
import Testing
import TestSupport

/// Our own kind, `RedisStreamSource`, beside a cluster-wide Argo Events: kube-testserver with Argo's
/// CRDs and ours, redis-server, nats-server with JetStream, and the controller with
/// `--watch redisstreamsources`. Argo's own example, converted by changing apiVersion and kind,
/// publishes where an Argo EventSource of that name would, and an Argo EventSource beside it is
/// left entirely to Argo.
@Suite(.serialized) struct RedisStreamSourceOperatorTests {
    static let subject = "default.redis-stream.example"

    private func installEventBus(_ fixture: OperatorFixture, _ nats: NatsServer, password: String) async throws {
        try await fixture.installArgoCRDs()
        try await fixture.kubectl.succeed(["apply", "-f", OperatorFixture.redisStreamSourceCRDPath])
        try await fixture.apply(EventBusOperatorTests.authSecret(password: password))
        try await fixture.apply(EventBusOperatorTests.eventBus(url: nats.url))
    }

    private func reader(_ nats: NatsServer, password: String) async throws -> JetStreamTestReader {
        let url = nats.url
        return try await DedicatedThread.run { Result { try JetStreamTestReader(url: url, user: "argo", password: password) } }.get()
    }

    private func count(_ reader: JetStreamTestReader) async -> UInt64 {
        await DedicatedThread.run { reader.messageCount() ?? 0 }
    }

    /// What a Sensor's dependency on `redis-stream`/`example` receives: a durable consumer on its subject.
    private func sensorRead(_ reader: JetStreamTestReader, count: Int) async throws -> [JetStreamTestMessage] {
        try await DedicatedThread.run {
            Result { try reader.read(subject: Self.subject, durable: "sensor", count: count) }
        }.get()
    }

    private func messageIDs(_ messages: [JetStreamTestMessage]) throws -> [String] {
        try messages.map { try JSONParser.parse($0.text)["data"]?["message_id"]?.stringValue ?? "" }
    }

    @Test func theConvertedArgoExamplePublishesToTheSensorSubjectWhileAnArgoEventSourceIsLeftAlone() async throws {
        try await OperatorFixture.with { fixture in
            let nats = try await NatsServer(user: "argo", password: "bus-pw")
            defer { nats.stop() }
            try await installEventBus(fixture, nats, password: "bus-pw")
            // Argo's own EventSource, in the same namespace, on a stream that exists without a group.
            _ = try await fixture.client.xadd("ARGO", [("for", "argo")])
            try await fixture.apply(fixture.argoEventSource("argo-owned", stream: "ARGO"))
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let controller = try fixture.startController(sinkArguments: [], extra: ["--watch", "redisstreamsources"])

            try await fixture.apply(try fixture.convertedArgoExample())
            try await fixture.waitForRedisStreamSourceReady("redis-stream")
            let table = try await fixture.kubectl.succeed(["get", "redisstreamsources"])
            #expect(table.contains("READY") && table.contains("REASON"), "printer columns: \(table)")
            #expect(table.contains("True") && table.contains("Consuming"), "\(table)")

            var added: [String] = []
            for index in 0..<200 { added.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            let bus = try await reader(nats, password: "bus-pw")
            try await waitUntil("every entry on the bus and acknowledged", timeout: .seconds(90)) {
                let onBus = await count(bus)
                return try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 && onBus >= 200
            }
            let messages = try await sensorRead(bus, count: 200)
            #expect(try messageIDs(messages) == added)
            #expect(Set(messages.map(\.subject)) == [Self.subject])
            let event = try JSONParser.parse(try #require(messages.first).text)
            #expect(event["source"] == "redis-stream")
            #expect(event["subject"] == "example")
            #expect(event["type"] == "redisStream")
            #expect(await count(bus) == 200)

            let status = try #require(try await fixture.redisStreamSource("redis-stream")?["status"])
            #expect(status["sources"]?["example"]?["sink"] == .string("eventbus default (\(nats.url))"))
            try await waitUntil("the counts in status") { try await fixture.redisStreamSource("redis-stream")?["status"]?["sources"]?["example"]?["forwarded"] == 200 }
            try await waitUntil("an AdapterStarted Event about the RedisStreamSource") {
                try await fixture.eventReasons(about: "redis-stream").contains("AdapterStarted")
            }

            // By now every object the controller would act on has been reconciled more than once.
            let problems = try await fixture.expectLeftAlone(eventSource: "argo-owned", stream: "ARGO")
            #expect(problems.isEmpty, "\(problems)")
            #expect(!controller.standardError.contains("argo-owned"), "the controller never mentions Argo's EventSource")
        }
    }

    /// `--watch both`: an EventSource and a RedisStreamSource, side by side, each run and each with its own status.
    @Test func watchingBothRunsEachKind() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.kubectl.succeed(["apply", "-f", OperatorFixture.redisStreamSourceCRDPath])
            try await fixture.client.command("XGROUP", "CREATE", "A", "argo-events-cg", "$", "MKSTREAM")
            try await fixture.client.command("XGROUP", "CREATE", "B", "argo-events-cg", "$", "MKSTREAM")
            _ = try fixture.startController(extra: ["--watch", "both"])
            try await fixture.apply(fixture.argoEventSource("theirs", stream: "A"))
            try await fixture.apply(
                fixture.eventSourceYAML(name: "ours", entries: [("example", ["B"])])
                    .replacingOccurrences(of: "apiVersion: argoproj.io/v1alpha1", with: "apiVersion: redis-eventsource.io/v1alpha1")
                    .replacingOccurrences(of: "kind: EventSource", with: "kind: RedisStreamSource"))
            try await fixture.waitForReady("theirs")
            try await fixture.waitForRedisStreamSourceReady("ours")
            _ = try await fixture.client.xadd("A", [("to", "theirs")])
            _ = try await fixture.client.xadd("B", [("to", "ours")])
            let requests = try await fixture.receiver.waitForRequests(2)
            #expect(Set(requests.compactMap { $0.header("ce-source") }) == ["theirs", "ours"])
            #expect(try await fixture.eventSource("ours") == nil, "no EventSource of that name was made")
            #expect(try await fixture.redisStreamSource("theirs") == nil)
        }
    }

    /// Each bad input is an InvalidSpec status and Event naming the field, and nothing starts.
    @Test func badRedisStreamSourcesAreReportedByField() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.installArgoCRDs()
            try await fixture.kubectl.succeed(["apply", "-f", OperatorFixture.redisStreamSourceCRDPath])
            let controller = try fixture.startController(extra: ["--watch", "redisstreamsources"])
            let host = "127.0.0.1:\(fixture.redis.port)"
            let cases: [(name: String, spec: String, field: String)] = [
                ("with-webhook", "redisStream: {example: {hostAddress: \"\(host)\", streams: [W]}}\n  webhook: {hook: {port: \"12000\", endpoint: /x, method: POST}}", "spec.webhook"),
                ("empty-entries", "redisStream: {}", "spec.redisStream"),
                ("not.one.token", "redisStream: {example: {hostAddress: \"\(host)\", streams: [T]}}", "metadata.name"),
            ]
            for item in cases {
                try await fixture.apply("""
                    apiVersion: redis-eventsource.io/v1alpha1
                    kind: RedisStreamSource
                    metadata: {name: \(item.name)}
                    spec:
                      \(item.spec)
                    """)
            }
            for item in cases {
                let ready = try await waitForValue("\(item.name) InvalidSpec") {
                    let condition = try await fixture.redisStreamSourceCondition(item.name, "Ready")
                    return condition?["reason"] == "InvalidSpec" ? condition : nil
                }
                #expect(ready["status"] == "False")
                let sources = try await fixture.redisStreamSourceCondition(item.name, "SourcesProvided")
                #expect(sources?["reason"] == "InvalidSpec")
                #expect(sources?["message"]?.stringValue?.contains(item.field + ":") == true, "\(item.name): \(sources ?? .null)")
                try await waitUntil("an InvalidSpec Event about \(item.name)") {
                    try await fixture.eventReasons(about: item.name).contains("InvalidSpec")
                }
            }
            #expect(try await fixture.client.command("EXISTS", "W", "T").integer == 0, "no entry started")
            #expect(controller.isRunning)
        }
    }

    /// A source moved from Argo's EventSource to our kind mid-flow, in the documented order: Argo's
    /// pod (here a consumer named as Argo names it) has delivered some entries and holds others
    /// pending when its EventSource is deleted; the RedisStreamSource keeps the consumer group,
    /// reclaims Argo's pending entries after claimMinIdleSeconds and reads on. Every entry reaches
    /// the Sensor's subject: from Argo before the move, from us after it, none twice.
    @Test func migratingASourceMidFlowLosesNoEntry() async throws {
        try await OperatorFixture.with { fixture in
            let nats = try await NatsServer(user: "argo", password: "bus-pw")
            defer { nats.stop() }
            try await installEventBus(fixture, nats, password: "bus-pw")
            // Before: Argo runs the EventSource. Its consumer read 60 of 100 entries and acknowledged 30.
            try await fixture.apply(fixture.argoEventSource("redis-stream", stream: "FOO"))
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            var added: [String] = []
            for index in 0..<100 { added.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            let read = try await fixture.client.command(
                "XREADGROUP", "GROUP", "argo-events-cg", "argo-events-worker", "COUNT", "60", "STREAMS", "FOO", ">")
            let readIDs = read.array?.first?.array?.last?.array?.compactMap { $0.array?.first?.string } ?? []
            try #require(readIDs.count == 60)
            let deliveredByArgo = Array(readIDs.prefix(30))
            for id in deliveredByArgo { try await fixture.client.command("XACK", "FOO", "argo-events-cg", id) }

            // 1. Install ours beside Argo, 2. apply the converted source, keeping consumerGroup, while
            // the producer goes on, 3. delete Argo's EventSource once ours is Ready.
            let controller = try fixture.startController(sinkArguments: [], extra: ["--watch", "redisstreamsources"])
            try await fixture.apply(try fixture.convertedArgoExample(entryLines: ["claimMinIdleSeconds: 1"]))
            for index in 100..<150 { added.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            try await fixture.waitForRedisStreamSourceReady("redis-stream")
            try await fixture.kubectl.succeed(["delete", "eventsource", "redis-stream"])
            for index in 150..<250 { added.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }

            let expected = added.filter { !deliveredByArgo.contains($0) }
            let bus = try await reader(nats, password: "bus-pw")
            try await waitUntil("every entry not delivered by Argo on the bus", timeout: .seconds(120)) {
                let onBus = await count(bus)
                return try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 && onBus >= UInt64(expected.count)
            }
            let ids = try messageIDs(try await sensorRead(bus, count: expected.count))
            #expect(Set(ids) == Set(expected), "missing: \(Set(expected).subtracting(ids).sorted().prefix(5))")
            #expect(ids.count == expected.count)
            #expect(await count(bus) == UInt64(expected.count))
            #expect(controller.isRunning)
        }
    }
}
