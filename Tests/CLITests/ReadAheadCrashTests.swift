import Foundation
import StructuredData
import Testing
import TestSupport

/// A process killed while a batch is delivered and the next one is already read ahead: both stay
/// pending under its consumer name and the restarted process replays them; nothing is lost.
@Suite struct ReadAheadCrashTests {
    @Test func aKilledProcessesReadAheadBatchIsReplayedAfterTheRestart() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let client = RedisTestClient(port: redis.port)
        do {
            try await run(redis, client)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }

    private func events(_ child: ChildProcess) throws -> [JSONValue] {
        try child.completeStandardOutputLines.map { try JSONParser.parse($0) }
    }

    private func run(_ redis: RedisServer, _ client: RedisTestClient) async throws {
        try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        let file = try CLIRunner.manifest(CLIRunner.eventSource(port: redis.port, extra: "      maxMsgCountPerRead: 50"))
        let padding = String(repeating: "x", count: 400)
        var ids: [String] = []
        for index in 0..<1000 { ids.append(try await client.xadd("FOO", [("n", "\(index)"), ("pad", padding)])) }
        // Nobody reads the process's stdout: it blocks writing a batch once the pipe is full, and
        // the next batch, read ahead before that delivery began, is assigned to it as well.
        let first = try CLIRunner.start(["-f", file, "--consumer-name", "pod-a"], captureStandardOutput: false)
        defer { first.stop() }
        try await waitUntil("the adapter stuck writing to the full pipe") { first.isBlockedWritingToAPipe }
        try await waitUntil("the batch in delivery and the batch read ahead both pending") {
            try await client.pendingCount("FOO", group: "argo-events-cg") == 100
        }
        first.signal(SIGKILL)
        _ = try await first.waitForExit()
        first.drainStandardOutput()

        let second = try CLIRunner.start(["-f", file, "--consumer-name", "pod-a"])
        defer { second.stop() }
        try await waitUntil("every entry delivered", timeout: .seconds(60)) {
            let seen = Set(try (events(first) + events(second)).compactMap { $0["data"]?["message_id"]?.stringValue })
            return seen.isSuperset(of: ids)
        }
        try await waitUntil("an empty PEL") { try await client.pendingCount("FOO", group: "argo-events-cg") == 0 }
    }
}
