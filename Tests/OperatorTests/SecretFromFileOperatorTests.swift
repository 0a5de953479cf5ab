import Foundation
import StructuredData
import Testing
import TestSupport

/// Secrets as `kubectl create secret generic --from-file` writes them: the file's bytes, with the
/// newline an editor or `echo` leaves at the end. Argo drops exactly one trailing "\n" from every
/// Secret value, and so do we: a Redis password and an EventBus auth.yaml made that way work, and a
/// Secret holding nothing but "\n" is a clear status reason, not an empty password.
@Suite(.serialized) struct SecretFromFileOperatorTests {
    private func createSecret(_ fixture: OperatorFixture, _ name: String, key: String, contents: String) async throws {
        let file = fixture.kube.directory.appendingPathComponent("\(name)-\(UUID().uuidString).txt")
        try contents.write(to: file, atomically: true, encoding: .utf8)
        try await fixture.kubectl.succeed(["create", "secret", "generic", name, "--from-file=\(key)=\(file.path)"])
    }

    @Test func aRedisPasswordAndAnEventBusLoginFromFilesWorkAndANewlineAloneIsAReason() async throws {
        try await OperatorFixture.with { fixture in
            let redis = try await RedisServer(arguments: ["--requirepass", "from-file-pw"])
            defer { redis.stop() }
            let client = RedisTestClient(port: redis.port, password: "from-file-pw")
            try await createSecret(fixture, "redis-password", key: "password", contents: "from-file-pw\n")
            try await createSecret(fixture, "only-newline", key: "password", contents: "\n")
            try await client.command("XGROUP", "CREATE", "FOO", "cg", "$", "MKSTREAM")
            let controller = try fixture.startController()
            try await fixture.apply(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: from-file}
                spec:
                  redisStream:
                    good:
                      hostAddress: 127.0.0.1:\(redis.port)
                      consumerGroup: cg
                      streams: [FOO]
                      password: {name: redis-password, key: password}
                    empty:
                      hostAddress: 127.0.0.1:\(redis.port)
                      consumerGroup: cg-empty
                      streams: [FOO]
                      password: {name: only-newline, key: password}
                """)
            let id = try await client.xadd("FOO", [("message", "hello")])
            try await waitUntil("the entry delivered with the password from the file") {
                await fixture.deliveredIDs().contains(id)
            }
            try await waitUntil("the newline-only Secret in status") {
                let error = try await fixture.eventSource("from-file")?["status"]?["sources"]?["empty"]?["lastError"]?.stringValue
                return error?.contains("secret only-newline/password") == true && error?.contains("only a newline") == true
            }
            let status = try #require(try await fixture.eventSource("from-file")?["status"])
            #expect(!JSONWriter.string(status).contains("from-file-pw"))
            #expect(!controller.standardError.contains("from-file-pw"))
            #expect(controller.isRunning)
        }
    }

    /// Argo's `auth.yaml` from a file ending in a newline, with viper's loose reading: keys in any
    /// case and a password YAML reads as a number.
    @Test func anEventBusLoginFromAFileReadAsViperReadsIt() async throws {
        try await OperatorFixture.with { fixture in
            let nats = try await NatsServer(user: "argo", password: "20261207")
            defer { nats.stop() }
            let eventBusCRD = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventbus.yaml").path
            try await fixture.kubectl.succeed(["apply", "-f", eventBusCRD])
            try await createSecret(fixture, "nats-auth", key: "auth.yaml", contents: "Username: argo\nPassword: 20261207\n")
            try await fixture.apply(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: EventBus
                metadata: {name: default}
                spec:
                  jetstreamExotic:
                    url: \(nats.url)
                    accessSecret: {name: nats-auth, key: auth.yaml}
                """)
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "cg", "$", "MKSTREAM")
            let controller = try fixture.startController(sinkArguments: [])
            try await fixture.apply(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: viper}
                spec:
                  redisStream:
                    example: {hostAddress: "127.0.0.1:\(fixture.redis.port)", consumerGroup: cg, streams: [FOO]}
                """)
            try await fixture.waitForReady("viper")
            _ = try await fixture.client.xadd("FOO", [("message", "hello")])
            let url = nats.url
            let reader = try await DedicatedThread.run {
                Result { try JetStreamTestReader(url: url, user: "argo", password: "20261207") }
            }.get()
            try await waitUntil("the event on the bus") { await DedicatedThread.run { reader.messageCount() ?? 0 } == 1 }
            #expect(controller.isRunning)
        }
    }
}
