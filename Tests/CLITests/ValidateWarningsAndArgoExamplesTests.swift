import Testing
import TestSupport

/// `validate` against Argo's own examples, multi-document files mixing source types, warnings that
/// keep exit 0, and the reproductions of issue 13 items 1 and 5.
@Suite struct ValidateWarningsAndArgoExamplesTests {
    /// Argo Events' `examples/event-sources/redis-streams.yaml`, with its commented-out TLS entry enabled.
    static let argoRedisStreamsExample = """
        apiVersion: argoproj.io/v1alpha1
        kind: EventSource
        metadata:
          name: redis-stream
        spec:
          redisStream:
            example:
              hostAddress: redis.argo-events.svc:6379
              db: 0
              streams:
                - FOO
            example-tls:
              hostAddress: redis.argo-events.svc:6379
              db: 0
              streams:
                - FOO
              tls:
                caCertSecret:
                  name: my-secret
                  key: ca-cert-key
                clientCertSecret:
                  name: my-secret
                  key: client-cert-key
                clientKeySecret:
                  name: my-secret
                  key: client-key-key
        """

    /// Argo's `examples/event-sources/webhook.yaml`, shortened.
    static let argoWebhookExample = """
        apiVersion: argoproj.io/v1alpha1
        kind: EventSource
        metadata:
          name: webhook
        spec:
          service:
            ports:
              - port: 12000
                targetPort: 12000
          webhook:
            example:
              port: "12000"
              endpoint: /example
              method: POST
        """

    @Test func argosRedisStreamsExampleIsCleanlyValid() async throws {
        let file = try CLIRunner.manifest(Self.argoRedisStreamsExample)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 0)
        #expect(result.standardOutput.isEmpty)
    }

    @Test func aFileMixingSourceTypesIsValidAndSaysWhatIsLeftToArgo() async throws {
        let sensor = "apiVersion: argoproj.io/v1alpha1\nkind: Sensor\nmetadata: {name: s}\nspec: {dependencies: []}"
        let file = try CLIRunner.manifest([Self.argoWebhookExample, Self.argoRedisStreamsExample, sensor].joined(separator: "\n---\n"))
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 0)
        #expect(
            result.standardOutput
                == "document 1: note: EventSource webhook has no redisStream entry; redis-eventsource leaves it to Argo's controller\n")
    }

    @Test func warningsArePrintedAndExitIsStillZero() async throws {
        let file = try CLIRunner.manifest(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              replicas: 2
              redisStream:
                example:
                  hostAddress: 127.0.0.1:6379
                  streams: [FOO]
                  maxMsgCountPerReed: 50
                  consumerGruop: cg
            """)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 0)
        #expect(
            result.standardOutput.split(separator: "\n") == [
                "warning: spec.replicas: ignored: one redis-eventsource process runs every adapter, so Argo's per-EventSource pod settings do not apply (line 5, column 3)",
                "warning: spec.redisStream.example.maxMsgCountPerReed: unknown field, ignored; did you mean 'maxMsgCountPerRead'? (line 10, column 7)",
                "warning: spec.redisStream.example.consumerGruop: unknown field, ignored; did you mean 'consumerGroup'? (line 11, column 7)",
            ])
    }

    /// Issue 13: item 1's crash-loop reproduction and item 5's secret outside the secrets directory.
    @Test(arguments: [
        ("claimMinIdleSeconds: 9223372036854776", "claimMinIdleSeconds: must be an integer from 1 to 2147483647, got 9223372036854776"),
        ("password: {name: ../private, key: key.txt}", "password.name: not a valid Secret name"),
    ])
    func theReproductionsOfIssue13AreRejected(field: String, expected: String) async throws {
        let file = try CLIRunner.manifest(CLIRunner.eventSource(port: 6379, extra: "      " + field))
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains(expected))
    }

    @Test func runPrintsWarningsOnStandardErrorToo() async throws {
        // Invalid as well, so `run` stops before connecting anywhere.
        let file = try CLIRunner.manifest(CLIRunner.eventSource(port: 6379, extra: "      consumerGruop: cg\n      claimMinIdleSeconds: 0"))
        let result = try await CLIRunner.run(["run", "-f", file])
        #expect(result.status == 1)
        #expect(
            result.standardError.contains(
                "warning: spec.redisStream.example.consumerGruop: unknown field, ignored; did you mean 'consumerGroup'?"))
        #expect(result.standardError.contains("spec.redisStream.example.claimMinIdleSeconds: must be an integer from 1 to 2147483647, got 0"))
    }

    /// Issue 13, item 7: 100,000 streams took 49 s when every list append copied the list. The work
    /// itself is counted in YAMLLinearityTests; here the whole command finishes within the usual deadline.
    @Test func validatesAHundredThousandStreams() async throws {
        var streams = ""
        streams.reserveCapacity(1_500_000)
        for index in 0..<100_000 { streams += "        - s\(index)\n" }
        let file = try CLIRunner.manifest(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: big}
            spec:
              redisStream:
                e:
                  hostAddress: 127.0.0.1:6379
                  streams:

            """ + streams)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 0)
        #expect(result.standardOutput.isEmpty)
    }
}
