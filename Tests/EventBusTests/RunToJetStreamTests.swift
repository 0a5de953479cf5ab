import Foundation
import StructuredData
import Testing
import TestSupport

/// `redis-eventsource run --sink nats://…` against real redis-server and nats-server processes,
/// read back the way an Argo Sensor reads: a durable JetStream consumer on `default.<es>.<event>`.
@Suite(.serialized) struct RunToJetStreamTests {
    static let subject = "default.redis-stream.example"

    private func manifest(redisPort: Int, extra: String = "") throws -> String {
        try TemporaryManifest.write("""
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata:
              name: redis-stream
              namespace: argo-events
            spec:
              redisStream:
                example:
                  hostAddress: 127.0.0.1:\(redisPort)
                  streams: [FOO]
                  maxMsgCountPerRead: 50
            \(extra)
            """)
    }

    private func authFile(user: String, password: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).yaml")
        try "username: \(user)\npassword: \(password)\n".write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    private func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(BuiltProducts.path("redis-eventsource"), ["run"] + arguments)
    }

    private func reader(_ nats: NatsServer, user: String? = nil, password: String? = nil) async throws -> JetStreamTestReader {
        let url = nats.url
        return try await DedicatedThread.run { Result { try JetStreamTestReader(url: url, user: user, password: password) } }.get()
    }

    private func count(_ reader: JetStreamTestReader) async -> UInt64 {
        await DedicatedThread.run { reader.messageCount() ?? 0 }
    }

    private func read(_ reader: JetStreamTestReader, count: Int, durable: String = "sensor") async throws -> [JetStreamTestMessage] {
        try await DedicatedThread.run {
            Result { try reader.read(subject: Self.subject, durable: durable, count: count) }
        }.get()
    }

    /// Against Argo's own JetStream bus (TLS, self-signed CA, its `js` account), with the login
    /// file Argo's installer writes (no trailing newline), read by a reader connecting as a Sensor.
    @Test func publishesArgosCloudEventWithItsIDAsNatsMsgID() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let argoBus = try await ArgoJetStreamBus.start()
        defer { argoBus.stop() }
        let client = RedisTestClient(port: redis.port)
        try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        let auth = FileManager.default.temporaryDirectory.appendingPathComponent("client-auth-\(UUID().uuidString)").path
        try argoBus.clientAuth.write(toFile: auth, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: auth) }
        let child = try start(["-f", try manifest(redisPort: redis.port), "--sink", argoBus.url, "--eventbus-auth-file", auth])
        defer { child.stop() }
        try await waitUntil("the consumer to join") {
            try await client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count == 1
        }
        let id = try await client.xadd("FOO", [("message", "hello")])
        let bus = try await DedicatedThread.run { Result { try argoBus.sensorReader() } }.get()
        try await waitUntil("the message on the bus") { await count(bus) == 1 }
        let messages = try await read(bus, count: 1)
        #expect(messages.count == 1)
        let message = try #require(messages.first)
        #expect(message.subject == Self.subject)
        // The body is the structured CloudEvent, in the order the CloudEvents Go SDK writes it.
        #expect(message.text.hasPrefix(#"{"specversion":"1.0","id":""#))
        let event = try JSONParser.parse(message.text)
        let keys = try #require(event.objectValue?.keys)
        #expect(Array(keys) == ["specversion", "id", "source", "type", "subject", "datacontenttype", "time", "data"])
        #expect(event["specversion"] == "1.0")
        #expect(event["source"] == "redis-stream")
        #expect(event["type"] == "redisStream")
        #expect(event["subject"] == "example")
        #expect(event["datacontenttype"] == "application/json")
        #expect(event["time"]?.stringValue == EntryTime.rfc3339(entryID: id), "the entry's time, to the millisecond")
        let eventID = try #require(event["id"]?.stringValue)
        #expect(eventID.count == 32)
        #expect(message.messageID == eventID)
        // data is the JSON object itself, not base64 and not a string.
        #expect(event["data"] == ["stream": "FOO", "message_id": .string(id), "values": ["message": "hello"]])
        try await waitUntil("the entry to be acknowledged") {
            try await client.pendingCount("FOO", group: "argo-events-cg") == 0
        }
        // The stream was created as Argo creates it when streamConfig is empty.
        let config = try #require(await DedicatedThread.run { bus.streamConfig() })
        #expect(config.subjects == ["default.*.*"])
        #expect(child.standardError.contains("is not verified, because no CA is given"))
        #expect(!child.standardError.contains(argoBus.password))
        await client.close()
    }

    @Test func aKilledProcessRestartedLeavesExactlyOneMessagePerEntry() async throws {
        let redis = try await RedisServer(persistent: true)
        defer { redis.stop() }
        let nats = try await NatsServer()
        defer { nats.stop() }
        let client = RedisTestClient(port: redis.port)
        try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        let file = try manifest(redisPort: redis.port)
        let total = 2000
        for index in 0..<total { _ = try await client.xadd("FOO", [("n", "\(index)")]) }
        let bus = try await reader(nats)
        let first = try start(["-f", file, "--sink", nats.url, "--consumer-name", "c1"])
        try await waitUntil("some messages on the bus", timeout: .seconds(60)) { await count(bus) > 0 }
        try await first.killAndWait()
        let published = await count(bus)
        let second = try start(["-f", file, "--sink", nats.url, "--consumer-name", "c1"])
        defer { second.stop() }
        try await waitUntil("every entry acknowledged", timeout: .seconds(90)) {
            let onBus = await count(bus)
            return try await client.pendingCount("FOO", group: "argo-events-cg") == 0 && onBus >= UInt64(total)
        }
        let messages = try await read(bus, count: total)
        let ids = messages.compactMap(\.messageID)
        #expect(messages.count == total, "killed after \(published) were on the bus")
        #expect(Set(ids).count == total)
        #expect(await count(bus) == UInt64(total))
        await client.close()
    }

    @Test func natsRestartedMidFlowLosesNothing() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let nats = try await NatsServer()
        defer { nats.stop() }
        let client = RedisTestClient(port: redis.port)
        try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        let child = try start(["-f", try manifest(redisPort: redis.port), "--sink", nats.url])
        defer { child.stop() }
        let total = 3000
        for index in 0..<(total / 2) { _ = try await client.xadd("FOO", [("n", "\(index)")]) }
        let bus = try await reader(nats)
        try await waitUntil("some messages on the bus", timeout: .seconds(60)) { await count(bus) > 0 }
        try await nats.kill()
        for index in (total / 2)..<total { _ = try await client.xadd("FOO", [("n", "\(index)")]) }
        try await nats.restart()
        let again = try await reader(nats)
        try await waitUntil("every entry acknowledged", timeout: .seconds(90)) {
            let onBus = await count(again)
            return try await client.pendingCount("FOO", group: "argo-events-cg") == 0 && onBus >= UInt64(total)
        }
        let messages = try await read(again, count: total)
        #expect(messages.count == total)
        #expect(Set(messages.compactMap(\.messageID)).count == total)
        #expect(child.isRunning)
        _ = bus
        await client.close()
    }

    /// Issue 19: one entry over NATS' max_payload (1 MB by default) is refused on its own and
    /// stays pending; the entries behind it reach the bus (it stalled the whole adapter before).
    @Test func anEntryOverMaxPayloadStaysPendingAndTheRestFlowOn() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let nats = try await NatsServer()
        defer { nats.stop() }
        let client = RedisTestClient(port: redis.port)
        try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        for index in 0..<5 { _ = try await client.xadd("FOO", [("n", "\(index)")]) }
        let oversized = try await client.xadd("FOO", [("blob", String(repeating: "x", count: 2 * 1024 * 1024))])
        for index in 5..<205 { _ = try await client.xadd("FOO", [("n", "\(index)")]) }
        let child = try start(["-f", try manifest(redisPort: redis.port), "--sink", nats.url])
        defer { child.stop() }
        let bus = try await reader(nats)
        try await waitUntil("every other entry on the bus and acknowledged", timeout: .seconds(90)) {
            let onBus = await count(bus)
            return try await client.pendingCount("FOO", group: "argo-events-cg") == 1 && onBus >= 205
        }
        let pending = try await client.command("XPENDING", "FOO", "argo-events-cg", "-", "+", "10")
        #expect(pending.array?.first?.array?.first?.string == oversized)
        #expect(await count(bus) == 205)
        #expect(child.isRunning)
        await client.close()
    }

    @Test func wrongCredentialsAreReportedWithoutThePassword() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let nats = try await NatsServer(user: "argo", password: "right-password")
        defer { nats.stop() }
        let client = RedisTestClient(port: redis.port)
        try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        let auth = try authFile(user: "argo", password: "wrong-password-123")
        let child = try start(["-f", try manifest(redisPort: redis.port), "--sink", nats.url, "--eventbus-auth-file", auth])
        defer { child.stop() }
        try await waitUntil("the consumer to join") {
            try await client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count == 1
        }
        _ = try await client.xadd("FOO", [("message", "hello")])
        try await waitUntil("the failure in the log", timeout: .seconds(30)) {
            let log = child.standardError.lowercased()
            return log.contains("authori") || log.contains("authentic")
        }
        #expect(child.isRunning)
        #expect(try await client.pendingCount("FOO", group: "argo-events-cg") == 1)
        #expect(!child.standardError.contains("wrong-password-123"))
        #expect(!child.standardOutput.contains("wrong-password-123"))
        await client.close()
    }
}
