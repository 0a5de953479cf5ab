import Foundation
import StructuredData
import Testing
import TestSupport

/// `url` and `urlSecret` end to end through the controller, kubectl and kube-testserver, once with
/// our CRD and once with Argo's (which keeps the fields it does not know), plus the bad inputs a
/// user sees in status.
@Suite(.serialized) struct RedisEndpointOperatorTests {
    @Test(arguments: [false, true])
    func urlAndURLSecretEntriesRunThroughEitherCRD(argosCRD: Bool) async throws {
        try await OperatorFixture.with { fixture in
            if argosCRD { try await fixture.apply(EventBusOperatorTests.argoEventSourceCRD) }
            // As kubectl writes a Secret from a file: with the file's trailing newline.
            let urlFile = fixture.kube.directory.appendingPathComponent("url.txt")
            try "redis://127.0.0.1:\(fixture.redis.port)/0\n".write(to: urlFile, atomically: true, encoding: .utf8)
            try await fixture.kubectl.succeed(["create", "secret", "generic", "redis-conn", "--from-file=url=\(urlFile.path)"])
            try await fixture.client.command("XGROUP", "CREATE", "VIAURL", "argo-events-cg", "$", "MKSTREAM")
            try await fixture.client.command("XGROUP", "CREATE", "VIASECRET", "argo-events-cg", "$", "MKSTREAM")
            try fixture.startController()
            try await fixture.apply(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: urls}
                spec:
                  redisStream:
                    byurl:
                      url: redis://127.0.0.1:\(fixture.redis.port)/0
                      streams: [VIAURL]
                    bysecret:
                      urlSecret: {name: redis-conn, key: url}
                      streams: [VIASECRET]
                """)
            try await fixture.waitForReady("urls", timeout: .seconds(60))
            let sources = try await fixture.eventSource("urls")?["status"]?["sources"]
            #expect(sources?["byurl"]?["server"] == .string("127.0.0.1:\(fixture.redis.port)"))
            #expect(sources?["bysecret"]?["server"] == .string("127.0.0.1:\(fixture.redis.port)"))
            let first = try await fixture.client.xadd("VIAURL", [("via", "url")])
            let second = try await fixture.client.xadd("VIASECRET", [("via", "secret")])
            try await waitUntil("both events delivered") { Set(await fixture.deliveredIDs()).isSuperset(of: [first, second]) }
        }
    }

    @Test func badWaysToReachRedisAreNamedInStatusWithoutThePassword() async throws {
        try await OperatorFixture.with { fixture in
            try fixture.startController()
            try await fixture.apply(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: bad}
                spec:
                  redisStream:
                    both:
                      hostAddress: 127.0.0.1:\(fixture.redis.port)
                      url: redis://127.0.0.1:\(fixture.redis.port)
                      streams: [A]
                    inline:
                      url: redis://app:hunter2-pw@127.0.0.1:\(fixture.redis.port)
                      streams: [B]
                    options:
                      url: redis://127.0.0.1:\(fixture.redis.port)?pool_siz=3
                      streams: [C]
                """)
            let message = try await waitForValue("SourcesProvided=False") {
                let condition = try await fixture.condition("bad", "SourcesProvided")
                return condition?["status"] == "False" ? condition?["message"]?.stringValue : nil
            }
            #expect(message.contains("spec.redisStream.both.url: give only one way to reach Redis"))
            #expect(message.contains("spec.redisStream.inline.url: holds a password"))
            #expect(message.contains("spec.redisStream.options.url: unknown option pool_siz"))
            let everything = try await fixture.kubectl.succeed(["get", "eventsource", "bad", "-o", "json"])
            let status = try JSONParser.parse(everything)["status"].map { JSONWriter.string($0) } ?? ""
            #expect(!status.contains("hunter2-pw"))
            #expect(try await fixture.client.command("EXISTS", "A") == .integer(0))
        }
    }
}
