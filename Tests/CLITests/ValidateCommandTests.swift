import Testing
import TestSupport

@Suite struct ValidateCommandTests {
    @Test func theShippedExampleIsValid() async throws {
        let example = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/examples/redis-streams.yaml").path
        let result = try await CLIRunner.run(["validate", "-f", example])
        #expect(result.status == 0)
        #expect(result.standardOutput.isEmpty)
    }

    @Test(arguments: [
        // A missing field is placed at the map that lacks it.
        ("streams: [FOO]", "spec.redisStream.example.hostAddress: required: give one way to reach Redis: hostAddress, url, urlSecret, sentinel or cluster (line 6, column 5)"),
        ("hostAddress: 127.0.0.1:6379\n      streams: []", "spec.redisStream.example.streams: must not be empty: Argo accepts [], but Redis then answers every read with a syntax error (line 8, column 7)"),
        ("hostAddress: 127.0.0.1:6379\n      streams: [FOO]\n      db: one", "spec.redisStream.example.db: must be an integer from -2147483648 to 2147483647, got a string (line 9, column 7)"),
        ("hostAddress: 127.0.0.1:99999\n      streams: [FOO]", "spec.redisStream.example.hostAddress: the port must be a number from 1 to 65535, got '99999' (line 7, column 7)"),
        ("hostAddress: 127.0.0.1:6379\n      streams: [FOO]\n      password: {key: p}", "spec.redisStream.example.password.name: required (line 9, column 7)"),
    ])
    func printsOnePathAndProblemLinePerProblem(entry: String, expected: String) async throws {
        let file = try CLIRunner.manifest(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              redisStream:
                example:
                  \(entry)
            """)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 1)
        #expect(result.standardOutput == expected + "\n")
    }

    @Test func listsSeveralProblemsTogether() async throws {
        let file = try CLIRunner.manifest(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              sink: {uri: "nowhere"}
              redisStream:
                example: {streams: []}
            """)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 1)
        #expect(
            result.standardOutput.split(separator: "\n") == [
                "spec.redisStream.example.hostAddress: required: give one way to reach Redis: hostAddress, url, urlSecret, sentinel or cluster (line 7, column 5)",
                "spec.redisStream.example.streams: must not be empty: Argo accepts [], but Redis then answers every read with a syntax error (line 7, column 15)",
                "spec.sink.uri: must be stdout, an http:// or https:// URL, or a nats:// or tls:// EventBus URL, got 'nowhere' (line 5, column 10)",
            ])
    }

    @Test func malformedYAMLExitsTwoWithLineAndColumn() async throws {
        let file = try CLIRunner.manifest("apiVersion: argoproj.io/v1alpha1\nkind: EventSource\nspec:\n  redisStream: {a: [\n")
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 2)
        #expect(result.standardError.contains("\(file): line "))
        #expect(result.standardError.contains(", column "))
    }

    @Test func anUnreadableFileExitsTwo() async throws {
        let result = try await CLIRunner.run(["validate", "-f", "/nonexistent/eventsource.yaml"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("cannot read /nonexistent/eventsource.yaml"))
    }

    @Test func aFileWithoutEventSourcesIsInvalid() async throws {
        let file = try CLIRunner.manifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("no argoproj.io/v1alpha1 EventSource or redis-eventsource.io/v1alpha1 RedisStreamSource found"))
    }

    @Test func versionPrintsTheVersion() async throws {
        let result = try await CLIRunner.run(["version"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("redis-eventsource "))
    }

    /// `streams` one level too shallow is valid YAML (an event named "streams"), so the one real
    /// problem is said once, with its line and column, instead of three contradictory lines.
    @Test func anEntryFieldIndentedTooShallowIsOneProblemWithItsPosition() async throws {
        let file = try CLIRunner.manifest(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              redisStream:
                example:
                  hostAddress: 127.0.0.1:6379
                streams:
                  - FOO
            """)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 1)
        #expect(
            result.standardOutput
                == "spec.redisStream.streams: 'streams' is a field of an entry, not an event name: indent it one level deeper, "
                + "under the event name 'example' (line 8, column 5)\n")
    }

    @Test func aMisspelledSourceTypeIsAWarningWithItsPosition() async throws {
        let file = try CLIRunner.manifest(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              redisStreams:
                example: {hostAddress: "127.0.0.1:6379", streams: [FOO]}
            """)
        let result = try await CLIRunner.run(["validate", "-f", file])
        #expect(result.status == 0)
        #expect(
            result.standardOutput.contains(
                "warning: spec.redisStreams: unknown field, ignored; did you mean 'redisStream'? (line 5, column 3)"),
            "\(result.standardOutput)")
    }
}
