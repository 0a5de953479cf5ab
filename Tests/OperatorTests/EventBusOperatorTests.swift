import Foundation
import StructuredData
import Testing
import TestSupport

/// The controller publishing to an Argo EventBus end to end: kube-testserver with Argo's CRDs,
/// kubectl, redis-server, nats-server with JetStream and the controller process, with Argo's own
/// example EventSource (no spec.sink) and a jetstreamExotic EventBus with basic auth. The stream
/// is read back the way a Sensor reads it: a durable JetStream consumer on default.<es>.<event>.
@Suite(.serialized) struct EventBusOperatorTests {
    static let subject = "default.redis-stream.example"

    /// Argo Events' EventSource CRD (manifests/base/crds/argoproj.io_eventsources.yaml), as Argo ships it.
    static let argoEventSourceCRD = """
        # This is an auto-generated file. DO NOT EDIT
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: eventsources.argoproj.io
        spec:
          group: argoproj.io
          names:
            kind: EventSource
            listKind: EventSourceList
            plural: eventsources
            shortNames:
            - es
            singular: eventsource
          scope: Namespaced
          versions:
          - name: v1alpha1
            schema:
              openAPIV3Schema:
                properties:
                  apiVersion:
                    type: string
                  kind:
                    type: string
                  metadata:
                    type: object
                  spec:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                required:
                - metadata
                - spec
                type: object
            served: true
            storage: true
            subresources:
              status: {}
        """

    /// Argo Events' example (examples/event-sources/redis-streams.yaml) with its comments dropped
    /// and the host pointed at the test's redis-server.
    static func argoExample(redisPort: Int) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: EventSource
        metadata:
          name: redis-stream
        spec:
          redisStream:
            example:
              hostAddress: 127.0.0.1:\(redisPort)
              db: 0
              streams:
                - FOO
        """
    }

    static func authSecret(password: String) -> String {
        let auth = Data("username: argo\npassword: \(password)\n".utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Secret
            metadata: {name: nats-auth}
            data: {auth.yaml: \(auth)}
            """
    }

    static func eventBus(url: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: EventBus
        metadata: {name: default}
        spec:
          jetstreamExotic:
            url: \(url)
            accessSecret: {name: nats-auth, key: auth.yaml}
            streamConfig: |
              duplicates: 10m
        """
    }

    private func applyArgoCRDs(_ fixture: OperatorFixture) async throws {
        try await fixture.apply(Self.argoEventSourceCRD)
        let eventBusCRD = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventbus.yaml").path
        try await fixture.kubectl.succeed(["apply", "-f", eventBusCRD])
    }

    private func reader(_ nats: NatsServer, password: String) async throws -> JetStreamTestReader {
        let url = nats.url
        return try await DedicatedThread.run { Result { try JetStreamTestReader(url: url, user: "argo", password: password) } }.get()
    }

    private func count(_ reader: JetStreamTestReader) async -> UInt64 {
        await DedicatedThread.run { reader.messageCount() ?? 0 }
    }

    private func read(_ reader: JetStreamTestReader, count: Int) async throws -> [JetStreamTestMessage] {
        try await DedicatedThread.run { Result { try reader.read(subject: Self.subject, durable: "sensor", count: count) } }.get()
    }

    private func source(_ fixture: OperatorFixture) async throws -> JSONValue? {
        try await fixture.eventSource("redis-stream")?["status"]?["sources"]?["example"]
    }

    @Test func argosExamplePublishesToTheEventBusEffectivelyOnceThroughCrashesAndOutages() async throws {
        try await OperatorFixture.with { fixture in
            let nats = try await NatsServer(user: "argo", password: "bus-pw-1")
            defer { nats.stop() }
            try await applyArgoCRDs(fixture)
            try await fixture.apply(Self.authSecret(password: "bus-pw-1"))
            try await fixture.apply(Self.eventBus(url: nats.url))
            #expect(try await fixture.kubectl.succeed(["get", "eb"]).contains("default"))
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            var controller = try fixture.startController(sinkArguments: [])
            try await fixture.apply(Self.argoExample(redisPort: fixture.redis.port))
            try await fixture.waitForReady("redis-stream")
            #expect(try await source(fixture)?["sink"] == .string("eventbus default (\(nats.url))"))

            let id = try await fixture.client.xadd("FOO", [("message", "hello")])
            let bus = try await reader(nats, password: "bus-pw-1")
            try await waitUntil("the event on the bus") { await count(bus) == 1 }
            let first = try #require(try await read(bus, count: 1).first)
            #expect(first.subject == Self.subject)
            let event = try JSONParser.parse(first.text)
            #expect(event.objectValue?.keys.map { $0 } == ["specversion", "id", "source", "type", "subject", "datacontenttype", "time", "data"])
            #expect(event["specversion"] == "1.0")
            #expect(event["source"] == "redis-stream")
            #expect(event["type"] == "redisStream")
            #expect(event["subject"] == "example")
            #expect(event["datacontenttype"] == "application/json")
            #expect(first.messageID == event["id"]?.stringValue)
            #expect(event["data"] == ["stream": "FOO", "message_id": .string(id), "values": ["message": "hello"]])

            // SIGKILL mid-flow, then a restart: every entry exactly once on the stream.
            for index in 0..<1500 { _ = try await fixture.client.xadd("FOO", [("n", "\(index)")]) }
            try await waitUntil("publishing under way", timeout: .seconds(60)) { await count(bus) > 1 }
            try await controller.killAndWait()
            controller = try fixture.startController(consumer: "controller-a", sinkArguments: [])
            try await waitUntil("every entry on the bus and acknowledged", timeout: .seconds(120)) {
                let onBus = await count(bus)
                return try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 && onBus >= 1501
            }
            #expect(await count(bus) == 1501)

            // nats-server stopped and restarted mid-flow: nothing lost, nothing doubled.
            for index in 0..<1500 { _ = try await fixture.client.xadd("FOO", [("m", "\(index)")]) }
            try await waitUntil("publishing under way", timeout: .seconds(60)) { await count(bus) > 1501 }
            try await nats.kill()
            try await nats.restart()
            let again = try await reader(nats, password: "bus-pw-1")
            try await waitUntil("every entry on the bus after the outage", timeout: .seconds(120)) {
                let onBus = await count(again)
                return try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 && onBus >= 3001
            }
            let messages = try await read(again, count: 3000)
            #expect(messages.count == 3000)  // the first was read before
            #expect(Set(messages.compactMap(\.messageID)).count == 3000)
            #expect(await count(again) == 3001)
            #expect(controller.isRunning)
            #expect(!controller.standardError.contains("bus-pw-1"))
        }
    }

    @Test func editingOrDeletingTheEventBusMovesOrStopsTheEntries() async throws {
        try await OperatorFixture.with { fixture in
            let first = try await NatsServer(user: "argo", password: "pw-first")
            defer { first.stop() }
            let second = try await NatsServer(user: "argo", password: "pw-second")
            defer { second.stop() }
            try await applyArgoCRDs(fixture)
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let controller = try fixture.startController(sinkArguments: [])
            // No EventBus yet, no default sink: the entry waits with a reason.
            try await fixture.apply(Self.argoExample(redisPort: fixture.redis.port))
            try await fixture.waitForReady("redis-stream", false)
            #expect(try await fixture.condition("redis-stream", "Deployed")?["reason"] == "NoSink")

            try await fixture.apply(Self.authSecret(password: "pw-first"))
            try await fixture.apply(Self.eventBus(url: first.url))
            try await fixture.waitForReady("redis-stream")
            _ = try await fixture.client.xadd("FOO", [("to", "first")])
            let onFirst = try await reader(first, password: "pw-first")
            try await waitUntil("the event on the first bus") { await count(onFirst) == 1 }

            // New URL and new credentials: the entry moves to the second bus.
            try await fixture.apply(Self.authSecret(password: "pw-second"))
            try await fixture.apply(Self.eventBus(url: second.url))
            try await waitUntil("the sink in status to name the second bus") {
                try await source(fixture)?["sink"] == .string("eventbus default (\(second.url))")
            }
            try await fixture.waitForReady("redis-stream")
            _ = try await fixture.client.xadd("FOO", [("to", "second")])
            let onSecond = try await reader(second, password: "pw-second")
            try await waitUntil("the event on the second bus") { await count(onSecond) == 1 }
            #expect(await count(onFirst) == 1)

            // Wrong credentials: reported in status, no crash, no password anywhere.
            let restarts = try await fixture.eventReasons(about: "redis-stream").filter { $0 == "AdapterRestarted" }.count
            try await fixture.apply(Self.authSecret(password: "wrong-pw-42"))
            try await waitUntil("the restart with the new credentials") {
                try await fixture.eventReasons(about: "redis-stream").filter { $0 == "AdapterRestarted" }.count > restarts
            }
            _ = try await fixture.client.xadd("FOO", [("to", "nobody")])
            try await waitUntil("the login failure in status", timeout: .seconds(60)) {
                let error = try await source(fixture)?["lastError"]?.stringValue?.lowercased() ?? ""
                return error.contains("authori") || error.contains("authentic")
            }
            let status = try #require(try await fixture.eventSource("redis-stream")?["status"])
            #expect(!JSONWriter.string(status).contains("wrong-pw-42"))
            #expect(!controller.standardError.contains("wrong-pw-42"))
            #expect(controller.isRunning)

            // An unreachable bus is reported the same way (the failed entry is still pending).
            try await fixture.apply(Self.eventBus(url: "nats://127.0.0.1:1"))
            try await waitUntil("the unreachable bus in status", timeout: .seconds(60)) {
                try await source(fixture)?["lastError"]?.stringValue?.contains("127.0.0.1:1") == true
            }
            #expect(controller.isRunning)

            // Deleted: the entry stops and waits, with a reason.
            try await fixture.kubectl.succeed(["delete", "eventbus", "default"])
            try await waitUntil("NoSink after the bus was deleted") {
                try await fixture.condition("redis-stream", "Deployed")?["reason"] == "NoSink"
            }
            #expect(controller.isRunning)
        }
    }
}
