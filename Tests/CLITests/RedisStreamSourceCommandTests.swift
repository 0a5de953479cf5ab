import Foundation
import StructuredData
import Testing
import TestSupport

/// `validate` and `run -f` take a RedisStreamSource as they take an EventSource: Argo's example
/// converted by changing apiVersion and kind is valid and runs; what our kind cannot hold is an
/// error naming the field; `controller --watch` takes exactly its three values.
@Suite struct RedisStreamSourceCommandTests {
    static func converted(_ text: String) -> String {
        text.replacingOccurrences(of: "apiVersion: argoproj.io/v1alpha1", with: "apiVersion: redis-eventsource.io/v1alpha1")
            .replacingOccurrences(of: "kind: EventSource", with: "kind: RedisStreamSource")
    }

    @Test func argosExampleConvertedByApiVersionAndKindAloneIsValid() async throws {
        let example = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/examples/redis-streams.yaml").path
        let text = try String(contentsOfFile: example, encoding: .utf8)
        let file = try CLIRunner.manifest(Self.converted(text))
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test(arguments: [
        ("name: rss", "redisStream: {example: {hostAddress: 127.0.0.1:6379, streams: [FOO]}}\n  webhook: {hook: {port: \"12000\", endpoint: /x, method: POST}}",
         "spec.webhook: a RedisStreamSource runs redisStream entries only; another source type belongs in an Argo EventSource (line 6, column 3)"),
        ("name: rss", "redisStream: {}", "spec.redisStream: must have at least one entry (line 5, column 3)"),
        ("name: rss", "eventBusName: default", "spec.redisStream: required: a RedisStreamSource needs at least one entry (line 4, column 1)"),
        ("name: not.one.token", "redisStream: {example: {hostAddress: 127.0.0.1:6379, streams: [FOO]}}",
         "metadata.name: 'not.one.token' is not a valid EventBus subject token (it holds '.'); events are published on default.<name>.<event>, so each must be one token (line 3, column 12)"),
        ("name: rss", "redisStream: {\"a.b\": {hostAddress: 127.0.0.1:6379, streams: [FOO]}}",
         "spec.redisStream.a.b: the event name 'a.b' is not a valid EventBus subject token (it holds '.'); events are published on default.<name>.<event>, so each must be one token (line 5, column 17)"),
        ("name: rss", "redisStream: {example: {hostAddress: 127.0.0.1:6379, streams: [FOO]}}\n  template: {}",
         "spec.template: not a field of a RedisStreamSource, whose spec holds only redisStream, eventBusName and sink (line 6, column 3)"),
    ])
    func badInputNamesTheField(metadata: String, spec: String, expected: String) async throws {
        let file = try CLIRunner.manifest(
            """
            apiVersion: redis-eventsource.io/v1alpha1
            kind: RedisStreamSource
            metadata: {\(metadata)}
            spec:
              \(spec)
            """)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 1)
        #expect(result.standardOutput == expected + "\n")
    }

    @Test func theWrongApiVersionForTheKindIsNamed() async throws {
        let file = try CLIRunner.manifest(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: RedisStreamSource
            metadata: {name: rss}
            spec:
              redisStream: {example: {hostAddress: 127.0.0.1:6379, streams: [FOO]}}
            """)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 1)
        #expect(result.standardOutput == "apiVersion: must be redis-eventsource.io/v1alpha1 (line 1, column 1)\n")
    }

    @Test func runTakesBothKindsFromOneFile() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let client = RedisTestClient(port: redis.port)
        do {
            try await runBothKinds(redis, client)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }

    private func runBothKinds(_ redis: RedisServer, _ client: RedisTestClient) async throws {
        try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        try await client.command("XGROUP", "CREATE", "BAR", "argo-events-cg", "$", "MKSTREAM")
        let argo = CLIRunner.eventSource(port: redis.port)
        let ours = Self.converted(CLIRunner.eventSource(port: redis.port, streams: "[BAR]"))
            .replacingOccurrences(of: "name: redis-stream", with: "name: ours")
        try #require(ours.contains("kind: RedisStreamSource") && ours.contains("name: ours"))
        let file = try CLIRunner.manifest(argo + "\n---\n" + ours)
        let child = try CLIRunner.start(["-f", file, "--consumer-name", "cli-test"])
        defer { child.stop() }
        try await waitUntil("both consumers to join") {
            let onFoo = try await client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array?.count
            let onBar = try await client.command("XINFO", "CONSUMERS", "BAR", "argo-events-cg").array?.count
            return onFoo == 1 && onBar == 1
        }
        let fromOurs = try await client.xadd("BAR", [("message", "ours")])
        let event = try await waitForValue("the RedisStreamSource's event on stdout") {
            try child.completeStandardOutputLines.map { try JSONParser.parse($0) }.first
        }
        #expect(event["context"]?["source"] == "ours")
        #expect(event["context"]?["subject"] == "example")
        #expect(event["data"]?["message_id"] == .string(fromOurs))
    }

    @Test(arguments: ["eventsources", "redisstreamsources", "both"])
    func theWatchFlagTakesItsThreeValues(value: String) async throws {
        // An impossible --metrics-port fails validation after --watch has parsed.
        let result = try await CLIRunner.run(["controller", "--watch", value, "--metrics-port", "70000"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--metrics-port must be from 0 to 65535"), "\(result.standardError)")
    }

    @Test func anyOtherWatchValueIsRefusedWithTheChoices() async throws {
        let result = try await CLIRunner.run(["controller", "--watch", "EventSources"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("eventsources"), "\(result.standardError)")
        #expect(result.standardError.contains("redisstreamsources"))
        let help = try await CLIRunner.run(["controller", "--help"])
        #expect(help.standardOutput.contains("--watch <eventsources|redisstreamsources|both>"), "\(help.standardOutput)")
        let words = help.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("default: redisstreamsources"), "\(words)")
    }
}
