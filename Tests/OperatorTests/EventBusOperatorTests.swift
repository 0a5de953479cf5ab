import Foundation
import StructuredData
import Testing
import TestSupport

/// The controller publishing to an Argo EventBus end to end: kube-testserver with Argo's CRDs,
/// kubectl, redis-server, nats-server with JetStream and the controller process, with Argo's own
/// example EventSource (no spec.sink) and Argo's native JetStream EventBus as its installer and
/// controller leave it (`ArgoJetStreamBus`: TLS with a self-signed CA, no tls block in the status).
/// The stream is read back the way a Sensor reads it: over TLS, a durable JetStream consumer on
/// default.<es>.<event>.
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

    /// A reader that connects as an Argo Sensor does: TLS, the certificate not verified.
    private func sensorReader(_ bus: ArgoJetStreamBus) async throws -> JetStreamTestReader {
        try await DedicatedThread.run { Result { try bus.sensorReader() } }.get()
    }

    /// Applies the EventBus as a user does, then writes its status as Argo's EventBus controller does.
    private func applyArgoBus(_ fixture: OperatorFixture, _ bus: ArgoJetStreamBus, annotations: [String: String] = [:]) async throws {
        try await fixture.apply(bus.clientAuthSecret())
        try await fixture.apply(bus.eventBus(annotations: annotations))
        try await fixture.kubectl.succeed([
            "patch", "eventbus", "default", "--subresource=status", "--type=merge", "-p", bus.statusPatch(),
        ])
    }

    /// The Warning Events about an object, as "reason: message", so a failing expectation says why.
    private func warnings(_ fixture: OperatorFixture, about name: String) async throws -> [String] {
        let output = try await fixture.kubectl.succeed(["get", "events", "-o", "json"])
        let items = try JSONParser.parse(output)["items"]?.arrayValue ?? []
        return items.filter { item in
            (item["involvedObject"]?["name"] ?? item["regarding"]?["name"])?.stringValue == name && item["type"] == "Warning"
        }.map { "\($0["reason"]?.stringValue ?? "?"): \(($0["message"] ?? $0["note"])?.stringValue ?? "")" }
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

    /// Argo's own JetStream bus as its installer leaves it: TLS with a self-signed CA, the `js`
    /// account, an EventBus whose status has no tls block. We connect as Argo's clients do, and a
    /// reader connecting as an Argo Sensor sees every entry exactly once across a SIGKILL and a
    /// nats-server outage; the restarts on a healthy bus raise no Warning Event.
    @Test func argosNativeTLSBusGetsEveryEntryExactlyOnceThroughCrashesAndOutages() async throws {
        try await OperatorFixture.with { fixture in
            let bus = try await ArgoJetStreamBus.start()
            defer { bus.stop() }
            try await applyArgoCRDs(fixture)
            try await applyArgoBus(fixture, bus)
            #expect(try await fixture.kubectl.succeed(["get", "eb"]).contains("default"))
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            var controller = try fixture.startController(sinkArguments: [])
            try await fixture.apply(Self.argoExample(redisPort: fixture.redis.port))
            try await fixture.waitForReady("redis-stream")
            #expect(try await source(fixture)?["sink"] == .string("eventbus default (\(bus.url))"))

            let id = try await fixture.client.xadd("FOO", [("message", "hello")])
            let sensor = try await sensorReader(bus)
            try await waitUntil("the event on the bus") { await count(sensor) == 1 }
            let first = try #require(try await read(sensor, count: 1).first)
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
            // The stream as Argo's status streamConfig asks (maxMsgs 50000, 5-minute duplicate window).
            let stream = try #require(await DedicatedThread.run { sensor.streamConfig() })
            #expect(stream.maxMsgs == 50000)
            #expect(stream.duplicates == 300 * 1_000_000_000)
            #expect(stream.replicas == 1)

            // SIGKILL mid-flow, then a restart: every entry exactly once on the stream.
            for index in 0..<1500 { _ = try await fixture.client.xadd("FOO", [("n", "\(index)")]) }
            try await waitUntil("publishing under way") { await count(sensor) > 1 }
            try await controller.killAndWait()
            controller = try fixture.startController(consumer: "controller-a", sinkArguments: [])
            try await waitUntil("every entry on the bus and acknowledged") {
                let onBus = await count(sensor)
                return try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 && onBus >= 1501
            }
            #expect(await count(sensor) == 1501)
            let afterCrash = try await read(sensor, count: 1500)
            #expect(Set(afterCrash.compactMap(\.messageID)).count == 1500)
            // Two controller starts on a healthy bus: no NoSink, no Warning at all.
            #expect(try await warnings(fixture, about: "redis-stream") == [])

            // nats-server killed and restarted mid-flow: nothing lost, nothing doubled.
            for index in 0..<1500 { _ = try await fixture.client.xadd("FOO", [("m", "\(index)")]) }
            try await waitUntil("publishing under way") { await count(sensor) > 1501 }
            try await bus.nats.restart()
            let again = try await sensorReader(bus)
            try await waitUntil("every entry on the bus after the outage") {
                let onBus = await count(again)
                return try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 && onBus >= 3001
            }
            let messages = try await read(again, count: 1500)
            #expect(Set(messages.compactMap(\.messageID)).count == 1500)
            #expect(await count(again) == 3001)
            #expect(controller.isRunning)
            #expect(controller.standardError.contains("is not verified, because the bus gives no CA"))
            #expect(!controller.standardError.contains(bus.password))
        }
    }

    /// A bus the user runs in plain text still works here, though no Argo Sensor can read it: they
    /// insist on TLS.
    @Test func aPlainTextBusWorksHereButNotForArgoSensors() async throws {
        try await OperatorFixture.with { fixture in
            let nats = try await NatsServer(user: "argo", password: "plain-pw")
            defer { nats.stop() }
            try await applyArgoCRDs(fixture)
            try await fixture.apply(Self.authSecret(password: "plain-pw"))
            try await fixture.apply(Self.eventBus(url: nats.url))
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let controller = try fixture.startController(sinkArguments: [])
            try await fixture.apply(Self.argoExample(redisPort: fixture.redis.port))
            try await fixture.waitForReady("redis-stream")
            _ = try await fixture.client.xadd("FOO", [("message", "plain")])
            let plain = try await reader(nats, password: "plain-pw")
            try await waitUntil("the event on the plain-text bus") { await count(plain) == 1 }
            let url = nats.url
            let asSensor = await DedicatedThread.run {
                Result { try JetStreamTestReader(url: url, user: "argo", password: "plain-pw", asArgoSensor: true) }
            }
            #expect(throws: (any Error).self) { try asSensor.get() }
            #expect(controller.isRunning)
        }
    }

    /// Going further than Argo: a CA given for a bus without a tls block verifies it. The bus's
    /// annotation names a Secret made by `kubectl create secret --from-file` (its PEM ends in a
    /// newline); the controller's `--eventbus-ca-file` with the wrong CA, or against a server that
    /// offers no TLS, gives a clear status reason and no password anywhere.
    @Test func aGivenCAVerifiesTheBusAndAWrongOneIsAClearReason() async throws {
        try await OperatorFixture.with { fixture in
            let bus = try await ArgoJetStreamBus.start()
            defer { bus.stop() }
            try await applyArgoCRDs(fixture)
            try await fixture.kubectl.succeed([
                "create", "secret", "generic", "eventbus-default-js-server", "--from-file=ca-cert=\(bus.certificates.caCertificate)",
            ])
            try await applyArgoBus(
                fixture, bus, annotations: ["redis-eventsource/ca-cert-secret": "eventbus-default-js-server/ca-cert"])
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            // The flag's wrong CA loses to the bus's own annotation.
            var controller = try fixture.startController(
                sinkArguments: [], extra: ["--eventbus-ca-file", bus.certificates.otherCACertificate])
            try await fixture.apply(Self.argoExample(redisPort: fixture.redis.port))
            try await fixture.waitForReady("redis-stream")
            _ = try await fixture.client.xadd("FOO", [("message", "verified")])
            let sensor = try await sensorReader(bus)
            try await waitUntil("the event on the verified bus") { await count(sensor) == 1 }
            #expect(!controller.standardError.contains("is not verified"))

            // Without the annotation, the flag's CA is used: the wrong one is a clear reason. The entry
            // is added once the adapter runs with it; before, the verified adapter would take it.
            let restarts = try await fixture.eventReasons(about: "redis-stream").filter { $0 == "AdapterRestarted" }.count
            try await fixture.kubectl.succeed(["annotate", "eventbus", "default", "redis-eventsource/ca-cert-secret-"])
            try await waitUntil("the adapter restarted with the flag's CA") {
                try await fixture.eventReasons(about: "redis-stream").filter { $0 == "AdapterRestarted" }.count > restarts
            }
            _ = try await fixture.client.xadd("FOO", [("message", "unverifiable")])
            try await waitUntil("the certificate failure in status") {
                try await source(fixture)?["lastError"]?.stringValue?.contains("does not verify against the CA given for it") == true
            }
            #expect(await count(sensor) == 1)
            try await controller.stopAndWait()

            // A plain-text server while a CA is pinned: refused, and said so.
            let plain = try await NatsServer(user: "argo", password: "plain-pw")
            defer { plain.stop() }
            try await fixture.apply(Self.authSecret(password: "plain-pw"))
            try await fixture.apply(Self.eventBus(url: plain.url))
            // Argo's status came before the exotic spec; without Argo's controller there is none.
            try await fixture.kubectl.succeed([
                "patch", "eventbus", "default", "--subresource=status", "--type=merge", "-p", #"{"status":{"config":null}}"#,
            ])
            controller = try fixture.startController(sinkArguments: [], extra: ["--eventbus-ca-file", bus.certificates.caCertificate])
            try await waitUntil("the missing TLS in status") {
                try await source(fixture)?["lastError"]?.stringValue?.contains("offers no TLS") == true
            }
            let status = try #require(try await fixture.eventSource("redis-stream")?["status"])
            #expect(!JSONWriter.string(status).contains("plain-pw"))
            #expect(!JSONWriter.string(status).contains(bus.password))
            #expect(!controller.standardError.contains("plain-pw"))
            #expect(controller.isRunning)
        }
    }

    /// Argo's controller moving a bus (a new URL and login in its status), a wrong login, an
    /// unreachable server and a deleted bus, on Argo's TLS buses.
    @Test func editingOrDeletingTheEventBusMovesOrStopsTheEntries() async throws {
        try await OperatorFixture.with { fixture in
            let first = try await ArgoJetStreamBus.start()
            defer { first.stop() }
            let second = try await ArgoJetStreamBus.start()
            defer { second.stop() }
            try await applyArgoCRDs(fixture)
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let controller = try fixture.startController(sinkArguments: [])
            // No EventBus yet, no default sink: the entry waits with a reason.
            try await fixture.apply(Self.argoExample(redisPort: fixture.redis.port))
            try await fixture.waitForReady("redis-stream", false)
            #expect(try await fixture.condition("redis-stream", "Deployed")?["reason"] == "NoSink")

            try await applyArgoBus(fixture, first)
            try await fixture.waitForReady("redis-stream")
            _ = try await fixture.client.xadd("FOO", [("to", "first")])
            let onFirst = try await sensorReader(first)
            try await waitUntil("the event on the first bus") { await count(onFirst) == 1 }

            // New URL and new credentials: the entry moves to the second bus.
            try await applyArgoBus(fixture, second)
            try await waitUntil("the sink in status to name the second bus") {
                try await source(fixture)?["sink"] == .string("eventbus default (\(second.url))")
            }
            try await fixture.waitForReady("redis-stream")
            _ = try await fixture.client.xadd("FOO", [("to", "second")])
            let onSecond = try await sensorReader(second)
            try await waitUntil("the event on the second bus") { await count(onSecond) == 1 }
            #expect(await count(onFirst) == 1)

            // Wrong credentials: reported in status, no crash, no password anywhere.
            let restarts = try await fixture.eventReasons(about: "redis-stream").filter { $0 == "AdapterRestarted" }.count
            let wrongAuth = Data("username: \(second.user)\npassword: wrong-pw-42".utf8).base64EncodedString()
            try await fixture.apply(
                """
                apiVersion: v1
                kind: Secret
                metadata: {name: eventbus-default-js-client-auth}
                data: {client-auth: \(wrongAuth)}
                """)
            try await waitUntil("the restart with the new credentials") {
                try await fixture.eventReasons(about: "redis-stream").filter { $0 == "AdapterRestarted" }.count > restarts
            }
            _ = try await fixture.client.xadd("FOO", [("to", "nobody")])
            try await waitUntil("the login failure in status") {
                let error = try await source(fixture)?["lastError"]?.stringValue?.lowercased() ?? ""
                return error.contains("authori") || error.contains("authentic")
            }
            let status = try #require(try await fixture.eventSource("redis-stream")?["status"])
            #expect(!JSONWriter.string(status).contains("wrong-pw-42"))
            #expect(!controller.standardError.contains("wrong-pw-42"))
            #expect(controller.isRunning)

            // An unreachable bus is reported the same way (the failed entry is still pending).
            try await fixture.kubectl.succeed([
                "patch", "eventbus", "default", "--subresource=status", "--type=merge", "-p",
                second.statusPatch(url: "nats://127.0.0.1:1"),
            ])
            try await waitUntil("the unreachable bus in status") {
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
