import Adapter
import Foundation
import StructuredData
import Testing
import TestSupport

@Suite struct RunCommandTests {
    /// A redis-server, a client, and `redis-eventsource run` processes that are always stopped.
    private func withRedis(
        arguments: [String] = [], password: String? = nil, _ body: (RedisServer, RedisTestClient) async throws -> Void
    ) async throws {
        let redis = try await RedisServer(arguments: arguments)
        let client = RedisTestClient(port: redis.port, password: password)
        do {
            try await body(redis, client)
        } catch {
            await client.close()
            redis.stop()
            throw error
        }
        await client.close()
        redis.stop()
    }

    private func events(_ child: ChildProcess) throws -> [JSONValue] {
        try child.completeStandardOutputLines.map { try JSONParser.parse($0) }
    }

    @Test func printsTheSeedShapedEventForEachEntry() async throws {
        try await withRedis { redis, client in
            try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let file = try CLIRunner.manifest(CLIRunner.eventSource(port: redis.port))
            let child = try CLIRunner.start(["-f", file, "--consumer-name", "cli-test"])
            defer { child.stop() }
            try await waitUntil("the consumer to join") {
                try await client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count == 1
            }
            let id = try await client.xadd("FOO", [("message", "hello")])
            let event = try await waitForValue("the event on stdout") { try events(child).first }
            let context = try #require(event["context"]?.objectValue)
            #expect(context.keys == ["id", "source", "specversion", "type", "datacontenttype", "subject", "time"])
            #expect(event["context"]?["source"] == "redis-stream")
            #expect(event["context"]?["specversion"] == "1.0")
            #expect(event["context"]?["type"] == "redisStream")
            #expect(event["context"]?["subject"] == "example")
            #expect(event["context"]?["datacontenttype"] == "application/json")
            #expect(event["context"]?["id"]?.stringValue?.count == 32)
            #expect(event["context"]?["time"]?.stringValue == EntryTime.rfc3339(entryID: id), "the entry's time, to the millisecond")
            #expect(event["data"] == ["stream": "FOO", "message_id": .string(id), "values": ["message": "hello"]])
            // Only events on stdout; logs are on stderr.
            #expect(child.standardOutputLines.count == 1)
            #expect(child.standardError.contains("consuming"))
        }
    }

    /// Validation row V4: go-redis sends SELECT only for a db above 0, so Argo reads db 0 with
    /// `db: -1`; so do we, after a warning.
    @Test func aNegativeDBWarnsAndReadsDBZero() async throws {
        try await withRedis { redis, client in
            try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let file = try CLIRunner.manifest(CLIRunner.eventSource(port: redis.port, extra: "      db: -1"))
            let child = try CLIRunner.start(["-f", file, "--consumer-name", "negative-db"])
            defer { child.stop() }
            try await waitUntil("the consumer to join on db 0") {
                try await client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count == 1
            }
            #expect(child.standardError.contains("spec.redisStream.example.db: negative: runs on db 0"), "\(child.standardError)")
            let id = try await client.xadd("FOO", [("message", "hello")])
            let event = try await waitForValue("the db 0 entry on stdout") { try events(child).first }
            #expect(event["data"]?["message_id"] == .string(id))
        }
    }

    @Test func drainsAndExitsZeroOnSIGTERM() async throws {
        try await withRedis { redis, client in
            try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let file = try CLIRunner.manifest(CLIRunner.eventSource(port: redis.port))
            let child = try CLIRunner.start(["-f", file])
            defer { child.stop() }
            try await waitUntil("the consumer to join") {
                try await client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count == 1
            }
            for index in 0..<200 { _ = try await client.xadd("FOO", [("n", "\(index)")]) }
            try await waitUntil("some events") { !child.standardOutputLines.isEmpty }
            child.signal(SIGTERM)
            let status = try await child.waitForExit(timeout: .seconds(30))
            #expect(status == 0)
            // Whatever was printed was acknowledged; nothing the process read is left pending.
            #expect(try await client.pendingCount("FOO", group: "argo-events-cg") == 0)
            let printed = try events(child).count
            #expect(printed > 0)
            #expect(child.standardError.contains("adapter stopped"))
        }
    }

    @Test func replaysWhatAKilledProcessReadButNeverAcknowledged() async throws {
        try await withRedis { redis, client in
            try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let file = try CLIRunner.manifest(CLIRunner.eventSource(port: redis.port, extra: "      maxMsgCountPerRead: 50"))
            let padding = String(repeating: "x", count: 400)
            var ids: [String] = []
            for index in 0..<1000 { ids.append(try await client.xadd("FOO", [("n", "\(index)"), ("pad", padding)])) }
            // Nobody reads the first process's stdout, so it blocks writing once the pipe is full:
            // it has read entries it cannot deliver, and they sit unacknowledged in the PEL.
            let first = try CLIRunner.start(["-f", file, "--consumer-name", "pod-a"], captureStandardOutput: false)
            defer { first.stop() }
            try await waitUntil("the adapter stuck writing to the full pipe") { first.isBlockedWritingToAPipe }
            // The batch being written and the next one, read ahead before that delivery began, are
            // both assigned to pod-a: the kill comes with a read-ahead batch outstanding.
            try await waitUntil("the batch in delivery and the batch read ahead both pending") {
                try await client.pendingCount("FOO", group: "argo-events-cg") == 100
            }
            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            first.drainStandardOutput()
            #expect(try await client.pendingCount("FOO", group: "argo-events-cg") > 0)

            let second = try CLIRunner.start(["-f", file, "--consumer-name", "pod-a"])
            defer { second.stop() }
            try await waitUntil("every entry delivered", timeout: .seconds(60)) {
                let seen = Set(try (events(first) + events(second)).compactMap { $0["data"]?["message_id"]?.stringValue })
                return seen.isSuperset(of: ids)
            }
            try await waitUntil("an empty PEL") { try await client.pendingCount("FOO", group: "argo-events-cg") == 0 }
        }
    }

    @Test func readsThePasswordFromTheSecretsFolderAndNeverLogsIt() async throws {
        let password = "s3cr3t-pass-\(UUID().uuidString.prefix(8))"
        try await withRedis(arguments: ["--requirepass", password], password: password) { redis, client in
            try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: secrets.appendingPathComponent("redis"), withIntermediateDirectories: true)
            try (password + "\n").write(to: secrets.appendingPathComponent("redis/password"), atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: secrets) }
            let file = try CLIRunner.manifest(
                CLIRunner.eventSource(port: redis.port, extra: "      password: {name: redis, key: password}"))
            let child = try CLIRunner.start(["-f", file, "--secrets-dir", secrets.path, "--log-level", "trace"])
            defer { child.stop() }
            try await waitUntil("the consumer to join") {
                try await client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count == 1
            }
            _ = try await client.xadd("FOO", [("k", "v")])
            try await waitUntil("the event") { child.standardOutputLines.count == 1 }
            child.stop()
            #expect(!child.standardError.contains(password))
            #expect(!child.standardOutput.contains(password))
        }
    }

    @Test func aMissingSecretFileIsAClearErrorNamingTheSecret() async throws {
        let file = try CLIRunner.manifest(
            CLIRunner.eventSource(port: 6379, extra: "      password: {name: redis, key: password}"))
        let result = try await CLIRunner.run(["run", "-f", file, "--secrets-dir", "/nonexistent-secrets"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("secret redis/password: the secrets directory /nonexistent-secrets does not exist"))
    }

    @Test func anInvalidFileIsRefusedBeforeAnythingRuns() async throws {
        let file = try CLIRunner.manifest(CLIRunner.eventSource(port: 6379, streams: "[]"))
        let result = try await CLIRunner.run(["run", "-f", file])
        #expect(result.status == 1)
        #expect(result.standardError.contains("spec.redisStream.example.streams: must not be empty"))
    }

    @Test func carriesHugeAndBinaryEntriesIntact() async throws {
        try await withRedis { redis, client in
            try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let file = try CLIRunner.manifest(CLIRunner.eventSource(port: redis.port))
            let child = try CLIRunner.start(["-f", file])
            defer { child.stop() }
            try await waitUntil("the consumer to join") {
                try await client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count == 1
            }
            var manyFields: [RedisArgument] = ["XADD", "FOO", "*"]
            for index in 0..<10_000 { manyFields += [RedisArgument("f\(index)"), RedisArgument("v\(index)")] }
            try await client.command(arguments: manyFields)
            let megabyte = String(repeating: "m", count: 1 << 20)
            _ = try await client.xadd("FOO", [("big", megabyte)])
            try await client.command(arguments: ["XADD", "FOO", "*", "bin", RedisArgument(bytes: [0x61, 0xFF, 0x00, 0x62]), "after", "ok"])
            let received = try await waitForValue("three events") { () -> [JSONValue]? in
                let parsed = try events(child)
                return parsed.count == 3 ? parsed : nil
            }
            #expect(received[0]["data"]?["values"]?.objectValue?.count == 10_000)
            #expect(received[0]["data"]?["values"]?["f9999"] == "v9999")
            #expect(received[1]["data"]?["values"]?["big"]?.stringValue?.utf8.count == 1 << 20)
            #expect(received[2]["data"]?["values"]?["bin"] == .string("a\u{FFFD}\u{0}b"))
            #expect(received[2]["data"]?["values"]?["after"] == "ok")
            try await waitUntil("an empty PEL") { try await client.pendingCount("FOO", group: "argo-events-cg") == 0 }
        }
    }
}
